// The lifecycle query parameters GET /v1/assets and GET /v1/lifecycle/summary share, and what they mean
// to the repository.
import { z } from 'zod';
import type { LifecycleFilter } from '../db/lifecycle-repository';
import { defaultExpiringWithinDays, warrantyStates, type LifecycleClock } from '../db/lifecycle-sql';
import { ApiError } from './errors';

export const formatParam = z.enum(['json', 'csv']).optional();

export const clockQuery = {
  expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
};

export const lifecycleFilterQuery = {
  ...clockQuery,
  warranty: z.enum(warrantyStates).optional(),
  replacementDue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  minAgeYears: z.coerce.number().int().min(0).max(100).optional(),
  ageBand: z.enum(['0', '1', '2', '3', '4', '5', 'unknown']).optional(),
  assetTypeId: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  endsInMonth: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM')
    .optional(),
};

type FilterInput = {
  [K in keyof typeof lifecycleFilterQuery]?: z.output<(typeof lifecycleFilterQuery)[K]>;
};

/** Hardware-only filters given for software name themselves in a 400, rather than being ignored. */
const hardwareOnly = [
  'warranty',
  'expiringWithinDays',
  'replacementDue',
  'minAgeYears',
  'ageBand',
  'assetTypeId',
] as const;

export function lifecycleFilterOf(kind: 'hardware' | 'software', input: FilterInput): LifecycleFilter {
  if (kind === 'software') {
    const given = hardwareOnly.filter((name) => input[name] !== undefined);
    if (given.length > 0) {
      throw new ApiError('invalid_request', `The request query is not valid: check ${given.join(', ')}.`, {
        fields: Object.fromEntries(given.map((name) => [name, 'applies to hardware only'])),
      });
    }
  }
  // expiringWithinDays alone asks for the warranties ending within that window.
  const warranty = input.warranty ?? (input.expiringWithinDays !== undefined ? 'expiring' : undefined);
  return {
    ...(warranty ? { warranty } : {}),
    ...(input.replacementDue !== undefined ? { replacementDue: input.replacementDue } : {}),
    ...(input.minAgeYears !== undefined ? { minAgeYears: input.minAgeYears } : {}),
    ...(input.ageBand !== undefined
      ? { ageBand: input.ageBand === 'unknown' ? ('unknown' as const) : Number(input.ageBand) }
      : {}),
    ...(input.assetTypeId !== undefined ? { assetTypeId: input.assetTypeId } : {}),
    ...(input.endsInMonth ? { endsInMonth: input.endsInMonth } : {}),
  };
}

/** Today by the database's clock (UTC); only the window is the caller's to choose. */
export const clockOf = (input: { expiringWithinDays?: number | undefined }): LifecycleClock => ({
  expiringWithinDays: input.expiringWithinDays ?? defaultExpiringWithinDays,
});
