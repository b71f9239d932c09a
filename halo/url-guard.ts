// Users type the Halo URLs, so a hosted worker could be aimed at its own network or a metadata service.
// Literal private hosts are refused when settings are saved (halo/settings.ts); this resolves names too.
// `guardedLookup` closes the gap between checking and connecting (DNS rebinding): the client's default
// dispatcher connects only to the addresses this module has approved.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { HaloUnreachableError, HaloUrlRejectedError } from './errors';
import { privateAddressReason, privateHostReason } from './private-address';

export interface UrlGuardOptions {
  allowPrivate: boolean;
  /** Replaces DNS, for tests. Results from a custom lookup are not cached. */
  lookup?: (host: string) => Promise<readonly LookupAddress[]>;
}

export const urlRejectedCode = 'HALO_URL_REJECTED';

const verdictTtlMs = 60_000;
const verdicts = new Map<string, { until: number; reason: string | undefined }>();

export async function assertHostAllowed(url: URL, opts: UrlGuardOptions): Promise<void> {
  if (opts.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:') {
    throw new HaloUrlRejectedError({
      message: `Refused ${url.protocol} connection to ${host}: Halo must be reached over https`,
      host,
    });
  }
  const reason = privateHostReason(host) ?? (await resolvedReason(host, opts));
  if (reason) {
    throw new HaloUrlRejectedError({
      message: `Refused to connect to ${host}: it resolves to ${reason}, which a hosted integration may not reach`,
      host,
    });
  }
}

async function resolvedReason(host: string, opts: UrlGuardOptions): Promise<string | undefined> {
  const cached = opts.lookup ? undefined : verdicts.get(host);
  if (cached && cached.until > Date.now()) return cached.reason;
  let addresses: readonly LookupAddress[];
  try {
    addresses = await (opts.lookup ?? lookupAll)(host);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new HaloUnreachableError({
      message: `Could not resolve the Halo host ${host} (${typeof code === 'string' ? code : 'DNS error'}): check the URL`,
      cause: e,
    });
  }
  const reason = firstPrivate(addresses);
  if (!opts.lookup) verdicts.set(host, { until: Date.now() + verdictTtlMs, reason });
  return reason;
}

function firstPrivate(addresses: readonly LookupAddress[]): string | undefined {
  for (const { address } of addresses) {
    const reason = privateAddressReason(address);
    if (reason) return `${address}, ${reason}`;
  }
  return undefined;
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    );
  });
}

/** A `lookup` for net/tls connect that fails instead of handing out a private address. */
export const guardedLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const reason = firstPrivate(addresses);
    if (reason) {
      const refused = Object.assign(new Error(`${hostname} resolves to ${reason}`), {
        code: urlRejectedCode,
      });
      return callback(refused, '', 0);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    return callback(null, first.address, first.family);
  });
};

/** Forgets cached verdicts; for tests. */
export function clearUrlGuardCache(): void {
  verdicts.clear();
}
