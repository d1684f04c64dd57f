import type { Socket } from 'node:net';
import proxyAddr from 'proxy-addr';
import { trustsEveryone } from './trust-coverage.js';

/** Who the TCP peer of a request is, and whether it may speak for the client. */
export interface PeerVerdict {
  /** Whether the peer is a trusted proxy. */
  readonly trusted: boolean;
  /** The peer as it appears in log lines: its address, `unix-socket`, or `unknown`. */
  readonly peer: string;
}

/** A compiled trust decision over the TCP peer of a socket. */
export type PeerTrust = (socket: Socket) => PeerVerdict;

const NOBODY = (): boolean => false;

/**
 * Compiles `trustedProxies` once with proxy-addr. The decision reads only the TCP peer
 * (`socket.remoteAddress`): never `X-Forwarded-For`, `req.ip` or Express's `trust proxy`,
 * which a client or an untrusted hop can write. An address proxy-addr cannot parse is untrusted.
 * @throws {TypeError} for an entry proxy-addr cannot parse (bad address, bad or zero prefix), or a
 *   list whose ranges together trust every IPv4 or every IPv6 address
 */
export function compileTrustedProxies(trustedProxies: string | readonly string[] | undefined, allowUnixSocket: boolean): PeerTrust {
  const entries = listOf(trustedProxies);
  let isTrusted: (address: string, hop: number) => boolean = NOBODY;
  if (entries.length > 0) {
    try {
      isTrusted = proxyAddr.compile(entries);
    } catch (error) {
      throw new TypeError(`clientCertificate: trustedProxies: ${(error as Error).message} (expected proxy-addr syntax: an address, a CIDR such as 10.0.0.0/8, or loopback / linklocal / uniquelocal)`);
    }
    // A list that trusts every peer is no trust check at all: anyone could forge the certificate header.
    const everyone = trustsEveryone(entries);
    if (everyone !== undefined) {
      throw new TypeError(`clientCertificate: trustedProxies ${JSON.stringify(entries.join(','))} trusts ${everyone}, so any client could forge the certificate header; list only your proxy's addresses`);
    }
  }
  // A socket's peer address is fixed for its life: decide once per connection, not per request
  // (parsing the address was the largest cost of a cached request behind keep-alive).
  const verdicts = new WeakMap<Socket, PeerVerdict>();
  return (socket) => {
    const known = verdicts.get(socket);
    if (known) return known;
    const address = socket.remoteAddress;
    if (address === undefined) {
      // Not remembered: a closed TCP socket has no address either, and must stay untrusted.
      if (allowUnixSocket && isUnixSocket(socket)) return { trusted: true, peer: 'unix-socket' };
      return { trusted: false, peer: 'unknown' };
    }
    // proxy-addr turns ::ffff:a.b.c.d into a.b.c.d before matching.
    const verdict: PeerVerdict = Object.freeze({ trusted: isTrusted(address, 0), peer: address });
    verdicts.set(socket, verdict);
    return verdict;
  };
}

function listOf(trustedProxies: string | readonly string[] | undefined): string[] {
  if (trustedProxies === undefined) return [];
  const list = typeof trustedProxies === 'string' ? trustedProxies.split(',') : trustedProxies;
  if (!Array.isArray(list)) throw new TypeError('clientCertificate: trustedProxies must be a string or an array of strings');
  return list.map((entry: unknown) => {
    if (typeof entry !== 'string' || entry.trim() === '') throw new TypeError('clientCertificate: trustedProxies entries must be non-empty strings');
    return entry.trim();
  });
}

/**
 * A peer without an address is a unix socket only when the listening server is bound to a path;
 * a TCP socket that was already closed also has no address, and must stay untrusted.
 */
function isUnixSocket(socket: Socket): boolean {
  const server = (socket as Socket & { server?: { address?: () => unknown } }).server;
  return typeof server?.address === 'function' && typeof server.address() === 'string';
}
