// Which addresses a hosted integration must never be pointed at: anything that reaches the worker's own
// machine, its network, or a cloud metadata service. Used on literal hosts when settings are saved and on
// resolved addresses before connecting (halo/url-guard.ts).
//
// ipaddr.js names the special-purpose ranges (RFC 6890 and later); everything it does not call 'unicast' is
// refused. It does not look inside the IPv6 forms that carry an IPv4 address, so those are unpacked here
// and the IPv4 address inside is judged as well.
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Ordinary unicast addresses that still reach a cloud platform's own services. */
const platformV4: Record<string, string> = {
  '168.63.129.16': "Azure's wire server (a cloud platform address)",
};

const words: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local or cloud metadata address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  deprecatedSiteLocal: 'a site-local address',
  reserved: 'a reserved address',
};

/** Why `ip` (an IPv4 or IPv6 literal, brackets allowed) is off limits, or undefined when it is public. */
export function privateAddressReason(ip: string): string | undefined {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return v4Reason(ipaddr.IPv4.parse(bare));
  if (isIPv6(bare)) return v6Reason(new ipaddr.IPv6(v6ToGroups(bare)));
  return undefined;
}

/** Why a URL host (as `URL.hostname` gives it) is off limits, without resolving it. */
export function privateHostReason(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'the local machine';
  return privateAddressReason(host);
}

function rangeWords(range: string): string {
  return words[range] ?? `a special-purpose address (${range})`;
}

function v4Reason(address: ipaddr.IPv4): string | undefined {
  const platform = platformV4[address.toString()];
  if (platform) return platform;
  const range = address.range();
  return range === 'unicast' ? undefined : rangeWords(range);
}

/** The IPv4 address in two 16-bit groups; `invert` undoes Teredo's obfuscation of the client address. */
function v4From(high: number | undefined, low: number | undefined, invert = false): ipaddr.IPv4 {
  const mask = invert ? 0xffff : 0;
  const [h, l] = [(high ?? 0) ^ mask, (low ?? 0) ^ mask];
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}

/**
 * Eight 16-bit groups; an embedded dotted IPv4 tail becomes the last two groups. Not ipaddr.js's parser:
 * it reads the IPv4-compatible `::a.b.c.d` as if it were `::ffff:a.b.c.d`.
 */
function v6ToGroups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function v6Reason(address: ipaddr.IPv6): string | undefined {
  const g = address.parts;
  const range = address.range();
  // ::a.b.c.d, the deprecated IPv4-compatible form: never a real destination, whatever it carries.
  if (g.slice(0, 6).every((group) => group === 0) && range !== 'loopback' && range !== 'unspecified') {
    return v4Reason(v4From(g[6], g[7])) ?? 'a reserved address';
  }
  switch (range) {
    case 'unicast':
      return undefined;
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d, IPv4-translated
      return v4Reason(v4From(g[6], g[7]));
    case 'rfc6052':
      // 64:ff9b::/96 reaches the IPv4 address in its last 32 bits through a NAT64 gateway. The local-use
      // prefix 64:ff9b:1::/48 (RFC 8215) is the operator's own translator, with no fixed place for the
      // IPv4 address: refused as a whole.
      if (g[2] !== 0) return 'a local-use NAT64 address';
      return v4Reason(v4From(g[6], g[7]));
    case '6to4': // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
      return v4Reason(v4From(g[1], g[2]));
    case 'teredo': // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC, server and (inverted) client IPv4 addresses
      return v4Reason(v4From(g[2], g[3])) ?? v4Reason(v4From(g[6], g[7], true));
    default:
      return rangeWords(range);
  }
}
