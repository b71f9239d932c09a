// How Fastify uses the routes' zod schemas: requests are parsed by them, and a failure comes out in the
// API's one error shape, with the same `fields` and messages the handlers' own checks used to give.
import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { ApiError, invalidRequest, notFound } from './errors';
import { notFoundNameOf } from './route-schemas';

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    // A request without a body (or with `null`) is read as an empty object, as the handlers always did: a
    // POST that needs nothing may come bare, and one that needs fields names each of them.
    const result = schema.safeParse(httpPart === 'body' ? (data ?? {}) : data);
    if (result.success) return { value: result.data };
    if (httpPart === 'params') return { error: notFound(notFoundNameOf(schema) ?? 'This') };
    return { error: invalidRequest(result.error, httpPart === 'querystring' ? 'query' : 'body') };
  };

/**
 * Answers are written with JSON.stringify, as without schemas. With `checkResponses` (API_CHECK_RESPONSES,
 * which the tests set) each JSON answer is first checked against the schema its route declares for that
 * status, and one that does not fit is a 500 naming the paths that differ.
 *
 * Why not in production: checking a 500-item hardware page costs about 0.5 ms at the median and 1 ms at the
 * p95 on this 2-core machine (zod's encode, as fastify-type-provider-zod's own serializer does it, about
 * 1.4 ms more than JSON.stringify alone), against the read API's target of p95 < 100 ms that the
 * inventory-number search meets by only 2.4 ms; and in production a mismatch could only turn an answer that
 * is useful into a 500. The tests, which call every route, are where a drift between a view and its schema
 * is caught.
 */
export function serializerCompilerFor(checkResponses: boolean): FastifySerializerCompiler<z.ZodType> {
  return ({ schema, method, url, httpStatus }) => {
    if (!checkResponses) return (data) => JSON.stringify(data);
    return (data) => {
      const result = schema.safeParse(data);
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
        throw new ApiError(
          'internal',
          `The ${httpStatus} answer of ${method} ${url} does not match its schema: ${issues.join('; ')}`,
        );
      }
      return JSON.stringify(data);
    };
  };
}

/** Lets `app` take zod schemas on its routes: every Fastify instance that registers routes of api/routes/. */
export function useZodSchemas(app: FastifyInstance, checkResponses: boolean): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompilerFor(checkResponses));
}
