// The shapes of Halo's successful answers, checked before anything downstream trusts them. Only what the
// sync relies on is checked (ids, counts, the token); every other field passes through untouched.
import { z } from 'zod';
import type { RawHaloRecord } from './records';
import { haloPaging } from './resources';

// Halo serialises some integers as decimals (`12.0`, djpsa) and some as strings.
const integerLike = z
  .union(
    [
      z.number(),
      z
        .string()
        .regex(/^\s*-?\d+(\.0+)?\s*$/)
        .transform(Number),
    ],
    {
      error: 'expected an integer',
    },
  )
  .pipe(z.number().int('expected an integer'));

const recordSchema = z.looseObject({ id: integerLike.pipe(z.number().positive('expected a positive id')) });

export const pageSchema = z.object({
  [haloPaging.recordCount]: integerLike.pipe(z.number().nonnegative('expected a count of 0 or more')),
  items: z.array(recordSchema, { error: 'expected an array of records' }),
});

export const recordBodySchema = recordSchema;

export const tokenBodySchema = z.looseObject({
  access_token: z.string({ error: 'expected a string' }).min(1, 'expected a non-empty string'),
  // Halo sends "Bearer"; the prefix is used verbatim, as OAuth says.
  token_type: z.string({ error: 'expected a string' }).min(1).default('Bearer'),
  // djpsa and others see 3600; a missing value is treated the same rather than failing a working tenant.
  expires_in: integerLike.pipe(z.number().positive('expected a positive number of seconds')).default(3600),
});

/** "assets[3].id: expected an integer; record_count: expected …" */
export function describeIssues(error: z.ZodError, rename: Record<string, string> = {}): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path
        .map((part, i) => {
          if (typeof part === 'number') return `[${part}]`;
          const name = rename[String(part)] ?? String(part);
          return i === 0 ? name : `.${name}`;
        })
        .join('');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export type Page = { recordCount: number; items: RawHaloRecord[] };
