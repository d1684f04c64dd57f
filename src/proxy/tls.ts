import type { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { ClientCertificate } from '../certificate/model.js';
import type { ClientCertificateVerification } from './request.js';

/** What this process's own TLS socket knows about the client certificate. */
export interface TlsClientCertificate {
  /** The certificate the client presented in the handshake, if any. */
  readonly certificate: ClientCertificate | undefined;
  /** `SUCCESS` when the handshake verified it against the server's `ca`; `FAILED` with OpenSSL's reason otherwise. */
  readonly verification: ClientCertificateVerification;
}

const MAX_CHAIN_LENGTH = 10;

/**
 * The client certificate of a TLS socket (`source: 'tls'`), for services that terminate mTLS
 * themselves with `https.createServer({ requestCert: true, ... })`. The chain holds the
 * intermediates, without the leaf and without a self-issued root (at most 10). The certificate is
 * read once per socket and kept; the socket's TLS renegotiation is disabled at that moment, so it
 * cannot change afterwards (TLS 1.3 has no renegotiation). The verification is read on every call.
 * @throws {CertificateHeaderError} `ERR_CERT_INVALID` if the peer's DER cannot be framed (not expected from OpenSSL)
 */
export function certificateFromTlsSocket(socket: Socket | TLSSocket): TlsClientCertificate {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || typeof tls.getPeerCertificate !== 'function') {
    return { certificate: undefined, verification: { status: 'UNKNOWN', reason: 'not a TLS connection' } };
  }
  let known = PER_SOCKET.get(socket);
  if (known === undefined) {
    try {
      known = { certificate: readPeer(tls as TLSSocket) };
    } catch (error) {
      // A peer certificate we cannot frame is refused on every request without being read again.
      known = { certificate: undefined, error };
    }
    PER_SOCKET.set(socket, known);
    // The certificate is read once per connection (a long chain costs milliseconds to convert), so
    // it must stay the connection's: refuse a TLS 1.2 renegotiation, which could bring another one.
    if (typeof tls.disableRenegotiation === 'function') tls.disableRenegotiation();
  }
  if (known.error !== undefined) throw known.error;
  if (known.certificate === undefined) return { certificate: undefined, verification: { status: 'NONE' } };
  // Node sets `authorized` after the first handshake and never clears it: a TLS 1.2 renegotiation
  // with another certificate only fills `authorizationError`. Both must say "verified".
  const verification: ClientCertificateVerification = tls.authorized === true && !tls.authorizationError
    ? { status: 'SUCCESS' }
    : { status: 'FAILED', reason: String(tls.authorizationError ?? 'not authorized') };
  return { certificate: known.certificate, verification };
}

/** What was read from each TLS socket, once. */
const PER_SOCKET = new WeakMap<object, { certificate: ClientCertificate | undefined; error?: unknown }>();

/**
 * The leaf and at most MAX_CHAIN_LENGTH intermediates. `getPeerX509Certificate()` and its
 * `issuerCertificate` links are walked only as far as the cap, where `getPeerCertificate(true)`
 * would convert every certificate a client sent (a 200-certificate chain: tens of milliseconds).
 */
function readPeer(tls: TLSSocket): ClientCertificate | undefined {
  const leaf = typeof tls.getPeerX509Certificate === 'function' ? tls.getPeerX509Certificate() : undefined;
  if (leaf === undefined) return readPeerObject(tls);
  const chain: Buffer[] = [];
  let previous: X509Certificate = leaf;
  for (let link = leaf.issuerCertificate; link !== undefined && chain.length < MAX_CHAIN_LENGTH; link = link.issuerCertificate) {
    // A self-issued certificate is the root (left out), and one that repeats the last is a loop.
    if (link.raw.equals(previous.raw) || link.checkIssued(link)) break;
    chain.push(link.raw);
    previous = link;
  }
  return ClientCertificate.fromDer(leaf.raw, chain, 'tls');
}

/** For sockets without `getPeerX509Certificate` (stand-ins in tests, old wrappers). */
function readPeerObject(tls: TLSSocket): ClientCertificate | undefined {
  const peer = tls.getPeerCertificate(true);
  if (!peer || !peer.raw) return undefined;
  const chain: Buffer[] = [];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  for (let link = peer.issuerCertificate; link && !seen.has(link) && chain.length < MAX_CHAIN_LENGTH; link = link.issuerCertificate) {
    seen.add(link);
    // Node points a self-issued certificate's issuerCertificate at itself: that is the root, left out.
    if (link.issuerCertificate === link || !link.raw) break;
    chain.push(link.raw);
  }
  return ClientCertificate.fromDer(peer.raw, chain, 'tls');
}
