import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a `trustedProxies` list (already accepted by proxy-addr) trusts every address of a
 * family, so that any peer may forge the certificate header: `0.0.0.0/1,128.0.0.0/1`,
 * `::ffff:0:0/96` (every IPv4 peer, as proxy-addr maps them), `::/1,8000::/1`. Judged as
 * proxy-addr matches: an IPv4 peer by IPv4 ranges and IPv4-mapped ranges of prefix >= 96, an
 * IPv6 peer by the other IPv6 ranges (mapped addresses count as IPv4).
 * @returns a phrase naming what is covered ('every IPv4 address'), or undefined
 */
export function trustsEveryone(entries: readonly string[]): string | undefined {
  const v4: [bigint, bigint][] = [];
  const v6: [bigint, bigint][] = [];
  for (const entry of entries.flatMap((name) => NAMED[name] ?? [name])) {
    const range = parseRange(entry);
    if (range === undefined) continue;
    if (range.family === 4) v4.push(span(range.value, range.prefix, 32));
    else if ((range.value >> 32n) === 0xffffn) {
      // proxy-addr: an IPv4-mapped subnet spans IPv4 peers only when its prefix covers ::ffff:.
      if (range.prefix >= 96) v4.push(span(range.value & 0xffffffffn, range.prefix - 96, 32));
    } else v6.push(span(range.value, range.prefix, 128));
  }
  if (covers(v4, 0n, (1n << 32n) - 1n)) return 'every IPv4 address';
  const mapped: [bigint, bigint] = [0xffffn << 32n, (0xffffn << 32n) | 0xffffffffn];
  if (covers([...v6, mapped], 0n, (1n << 128n) - 1n)) return 'every IPv6 address';
  return undefined;
}

// proxy-addr's names, as it expands them.
const NAMED: Readonly<Record<string, readonly string[]>> = {
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  loopback: ['127.0.0.1/8', '::1/128'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function span(value: bigint, prefix: number, bits: number): [bigint, bigint] {
  const size = 1n << BigInt(bits - prefix);
  const start = value - (value % size);
  return [start, start + size - 1n];
}

function covers(ranges: [bigint, bigint][], low: bigint, high: bigint): boolean {
  let next = low;
  for (const [start, end] of [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (start > next) return false;
    if (end >= next) next = end + 1n;
    if (next > high) return true;
  }
  return next > high;
}

function parseRange(entry: string): { family: 4 | 6; value: bigint; prefix: number } | undefined {
  const slash = entry.lastIndexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const suffix = slash < 0 ? undefined : entry.slice(slash + 1);
  if (isIPv4(address)) {
    const value = ipv4Value(address);
    if (suffix === undefined) return { family: 4, value, prefix: 32 };
    if (/^\d+$/.test(suffix)) return { family: 4, value, prefix: Number(suffix) };
    if (!isIPv4(suffix)) return undefined;
    // A netmask: proxy-addr accepts contiguous ones only.
    const mask = ipv4Value(suffix).toString(2).padStart(32, '0');
    return { family: 4, value, prefix: mask.indexOf('0') < 0 ? 32 : mask.indexOf('0') };
  }
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return undefined;
  const value = ipv6Value(bare);
  if (suffix === undefined) {
    // proxy-addr stores a lone IPv4-mapped address as IPv4.
    if ((value >> 32n) === 0xffffn) return { family: 4, value: value & 0xffffffffn, prefix: 32 };
    return { family: 6, value, prefix: 128 };
  }
  return /^\d+$/.test(suffix) ? { family: 6, value, prefix: Number(suffix) } : undefined;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((total, part) => (total << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(address: string): bigint {
  let text = address;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = ipv4Value(tail[1]!);
    text = `${text.slice(0, tail.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((total, group) => (total << 16n) | BigInt(parseInt(group, 16)), 0n);
}
