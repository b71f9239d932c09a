// Which addresses a hosted integration must never be pointed at: anything that reaches the worker's own
// machine, its network, or a cloud metadata service. Used on literal hosts when settings are saved and on
// resolved addresses before connecting (halo/url-guard.ts).
import { isIPv4, isIPv6 } from 'node:net';

// [first address, prefix length, what it is]
const blockedV4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'an unspecified address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local or cloud metadata address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a reserved address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

/** Why `ip` (an IPv4 or IPv6 literal, brackets allowed) is off limits, or undefined when it is public. */
export function privateAddressReason(ip: string): string | undefined {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return v4Reason(v4ToNumber(bare));
  if (isIPv6(bare)) return v6Reason(v6ToGroups(bare));
  return undefined;
}

/** Why a URL host (as `URL.hostname` gives it) is off limits, without resolving it. */
export function privateHostReason(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'the local machine';
  return privateAddressReason(host);
}

function v4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Reason(n: number): string | undefined {
  for (const [first, bits, reason] of blockedV4) {
    const size = 2 ** (32 - bits);
    const start = v4ToNumber(first);
    if (n >= start && n < start + size) return reason;
  }
  return undefined;
}

/** Eight 16-bit groups; an embedded dotted IPv4 tail becomes the last two groups. */
function v6ToGroups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4ToNumber(dotted);
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function v6Reason(g: number[]): string | undefined {
  const at = (i: number): number => g[i] ?? 0;
  const firstSixZero = [0, 1, 2, 3, 4, 5].every((i) => at(i) === 0);
  const embeddedV4 = at(6) * 65536 + at(7);
  if (firstSixZero) {
    if (embeddedV4 === 0) return 'an unspecified address';
    if (embeddedV4 === 1) return 'a loopback address';
    // IPv4-compatible (deprecated) form: judge the IPv4 address inside.
    return v4Reason(embeddedV4) ?? 'a reserved address';
  }
  const isMapped = [0, 1, 2, 3, 4].every((i) => at(i) === 0) && at(5) === 0xffff;
  const isNat64 = at(0) === 0x64 && at(1) === 0xff9b && [2, 3, 4, 5].every((i) => at(i) === 0);
  if (isMapped || isNat64) return v4Reason(embeddedV4);
  if (at(0) === 0x2002) return v4Reason(at(1) * 65536 + at(2)); // 6to4 carries an IPv4 address
  if ((at(0) & 0xfe00) === 0xfc00) return 'a private (unique local) address';
  if ((at(0) & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((at(0) & 0xffc0) === 0xfec0) return 'a site-local address';
  if ((at(0) & 0xff00) === 0xff00) return 'a multicast address';
  return undefined;
}
