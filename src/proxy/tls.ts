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
 * intermediates, without the leaf and without a self-issued root.
 * @throws {CertificateHeaderError} `ERR_CERT_INVALID` if the peer's DER cannot be framed (not expected from OpenSSL)
 */
export function certificateFromTlsSocket(socket: Socket | TLSSocket): TlsClientCertificate {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || typeof tls.getPeerCertificate !== 'function') {
    return { certificate: undefined, verification: { status: 'UNKNOWN', reason: 'not a TLS connection' } };
  }
  const peer = tls.getPeerCertificate(true);
  if (!peer || !peer.raw) return { certificate: undefined, verification: { status: 'NONE' } };
  const chain: Buffer[] = [];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  for (let link = peer.issuerCertificate; link && !seen.has(link) && chain.length < MAX_CHAIN_LENGTH; link = link.issuerCertificate) {
    seen.add(link);
    // Node points a self-issued certificate's issuerCertificate at itself: that is the root, left out.
    if (link.issuerCertificate === link || !link.raw) break;
    chain.push(link.raw);
  }
  const certificate = ClientCertificate.fromDer(peer.raw, chain, 'tls');
  // Node sets `authorized` after the first handshake and never clears it: a TLS 1.2 renegotiation
  // with another certificate only fills `authorizationError`. Both must say "verified".
  const verification: ClientCertificateVerification = tls.authorized === true && !tls.authorizationError
    ? { status: 'SUCCESS' }
    : { status: 'FAILED', reason: String(tls.authorizationError ?? 'not authorized') };
  return { certificate, verification };
}
