// The pieces route schemas share: the one error body, ids in the path, pages, and bodies that are not JSON.
// Each route declares its params, querystring, body and responses with these and its own zod schemas, once;
// Fastify validates with them (api/schema-compilers.ts) and the OpenAPI document is generated from them.
import type { Readable } from 'node:stream';
import { z } from 'zod';

export const isoTime = z.iso.datetime({ offset: true });

export const errorSchema = z.object({
  error: z.looseObject({
    code: z.string().describe('invalid_request, unauthorized, not_found, halo_auth_failed, …'),
    message: z.string(),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe('For invalid_request: what is wrong with each field, by its path.'),
    saved: z
      .boolean()
      .optional()
      .describe('For a 503: whether the request changed anything before the dependency failed.'),
  }),
  requestId: z.string().describe('Also sent as the x-request-id header; quote it when reporting a problem.'),
});

/** An error answer: the one error body, with what this status means here as its description. */
export const errorResponse = (description: string) => errorSchema.describe(description);

/** An answer with no body (204, 304). */
export const noBody = (description: string) => z.undefined().describe(description);

// Text and files are sent as they are (a string, a buffer or a stream), never through a serializer; the
// schema only says what they are.
const sentAsIs = (description: string) =>
  z.custom<string | Buffer | Readable>(() => true).meta({ type: 'string', description });

/** A body that is not JSON (HTML, CSV, Prometheus text, files): its content type, described. */
export function textBody(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: sentAsIs(description) } } };
}

/** A JSON body that may also come as another content type when asked (CSV exports). */
export function jsonOr<T extends z.ZodType>(schema: T, contentType: string, description: string) {
  return {
    description,
    content: {
      'application/json': { schema },
      [contentType]: { schema: sentAsIs(description) },
    },
  };
}

// A path that names nothing answers 404 naming what was looked for, as an unknown id does, not 400: a
// malformed id is simply one that does not exist.
const notFoundNames = new WeakMap<z.ZodType, string>();

/** Path parameters; a value that fails them answers 404 "`what` was not found.". */
export function pathParams<T extends z.ZodRawShape>(what: string, shape: T) {
  const schema = z.object(shape);
  notFoundNames.set(schema, what);
  return schema;
}

/** What a path schema's 404 names (see pathParams). */
export const notFoundNameOf = (schema: z.ZodType): string | undefined => notFoundNames.get(schema);

/** `/:id`, a UUID, of `what`. */
export const idParams = (what: string) => pathParams(what, { id: z.uuid() });

/** `:id` of the routes under /integrations/:id, whichever file declares them. */
export const integrationIdParams = idParams('Integration');

const nextCursor = z
  .string()
  .nullable()
  .describe('Pass back as `cursor` for the next page; null at the end.');
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor });

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/**
 * `true` when a view (what a handler answers) has the schema's fields, no more and no fewer, and every value it
 * gives fits the schema: `const checked: [Documents<ReturnType<typeof view>, typeof schema>] = [true]` fails
 * the build when a view and its schema drift apart (zod would silently drop an extra field).
 */
export type Documents<View, Schema extends z.ZodType> =
  View extends z.output<Schema> ? SameKeys<View, z.output<Schema>> : false;
