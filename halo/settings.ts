// The five values a user copies out of Halo (docs/halo-api.md "What the user enters"), normalised where the
// intent is unambiguous and refused, field by field, where it is not. Issues carry the field as their path
// so the API can point at the box that needs fixing.
import { z } from 'zod';
import { privateHostReason } from './private-address';

export interface SettingsPolicy {
  /** Allow http and hosts on private networks; only for local trials and tests. */
  allowPrivate: boolean;
}

const maxUrlLength = 2048;

const urlFields = {
  resourceServerUrl: {
    label: 'the Resource Server URL',
    example: 'https://acme.haloitsm.com/api',
    // A bare resource host means its API (docs/halo-api.md §2); nothing else serves Halo's resources.
    defaultPath: '/api',
    otherSuffix: /\/auth$/i,
    otherLabel: 'the Authorisation Server URL',
  },
  authServerUrl: {
    label: 'the Authorisation Server URL',
    example: 'https://acme.haloitsm.com/auth',
    // Used as entered: hosted auth endpoints can be a bare host whose token URL is `/token`, and adding
    // `/auth` would send the token request to a path that does not exist (docs/halo-api.md §1).
    defaultPath: '',
    otherSuffix: /\/api$/i,
    otherLabel: 'the Resource Server URL',
  },
} as const;

type UrlField = keyof typeof urlFields;

type Outcome = { ok: true; value: string } | { ok: false; message: string };

function normaliseUrl(field: UrlField, input: string, policy: SettingsPolicy): Outcome {
  const { label, example, defaultPath, otherSuffix, otherLabel } = urlFields[field];
  const expected = `expected ${label}, like ${example}`;
  const fail = (problem: string): Outcome => ({ ok: false, message: `${problem}; ${expected}` });
  const raw = input.trim();
  if (raw === '') return { ok: false, message: `Enter ${label}, like ${example}` };
  if (raw.length > maxUrlLength) return fail(`This is longer than ${maxUrlLength} characters`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return fail('This is not a URL (it must start with https://)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('This is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail(`The scheme ${url.protocol} is not supported`);
  if (url.username !== '' || url.password !== '')
    return fail('The URL must not contain a user name or password');
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(raw)) {
    return fail('The URL must not contain a query (?…) or fragment (#…)');
  }
  let path = url.pathname.replace(/\/+$/, '');
  // People paste the token endpoint itself; what they meant is plain.
  if (field === 'authServerUrl') path = path.replace(/\/token$/i, '');
  if (path === '') path = defaultPath;
  if (otherSuffix.test(path)) return fail(`This looks like ${otherLabel}`);
  if (!policy.allowPrivate) {
    if (url.protocol !== 'https:') return fail('The URL must use https');
    const reason = privateHostReason(url.hostname);
    if (reason)
      return fail(`The host ${url.hostname} is ${reason}, which a hosted integration may not reach`);
  }
  return { ok: true, value: `${url.protocol}//${url.host}${path}` };
}

function urlSchema(field: UrlField, policy: SettingsPolicy) {
  return z.string().transform((input, ctx) => {
    const outcome = normaliseUrl(field, input, policy);
    if (outcome.ok) return outcome.value;
    ctx.issues.push({ code: 'custom', message: outcome.message, input });
    return z.NEVER;
  });
}

const clientIdSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter the Client ID of the Halo application')
      .max(200, 'The Client ID is longer than 200 characters; expected a value like a GUID')
      .regex(
        /^[^\s\p{Cc}\p{Cf}]*$/u,
        'The Client ID must not contain spaces, invisible or control characters',
      ),
  );

const clientSecretSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter the Client Secret of the Halo application')
      .max(500, 'The Client Secret is longer than 500 characters')
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'The Client Secret must not contain invisible or control characters'),
  );

const tenantSchema = z
  .string()
  .nullish()
  .transform((s) => (s ?? '').trim())
  .pipe(
    z
      .string()
      .max(100, 'The Tenant is longer than 100 characters')
      .regex(
        /^[A-Za-z0-9._-]*$/,
        'The Tenant may contain only letters, digits, dots, hyphens and underscores',
      ),
  );

/** The settings schema under a policy; refuses http and private hosts unless `allowPrivate`. */
export function haloSettingsSchema(policy: SettingsPolicy) {
  return z.strictObject({
    resourceServerUrl: urlSchema('resourceServerUrl', policy),
    authServerUrl: urlSchema('authServerUrl', policy),
    tenant: tenantSchema,
    clientId: clientIdSchema,
    clientSecret: clientSecretSchema,
  });
}

/** Shape and normalisation only; the network policy is added by `haloSettingsSchema`. */
export const haloSettingsInputSchema = haloSettingsSchema({ allowPrivate: true });

export type HaloSettingsInput = z.input<typeof haloSettingsInputSchema>;
export type HaloSettings = z.output<typeof haloSettingsInputSchema>;
