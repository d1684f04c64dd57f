import type { IncomingMessage } from 'node:http';
import type { ForwardedFormat } from '../forwarded/index.js';

/**
 * What `clientCertificate()` knew about a request beyond `req.clientCertificate`: whether the peer
 * was a trusted proxy and which header names it reads. Kept off the request object (a WeakMap,
 * not a property) so no later handler or serializer can mistake it for request data;
 * `clientCertificateProbe()` reads it.
 */
export interface CertificateMiddlewareView {
  readonly source: 'header' | 'tls';
  /** Whether the TCP peer was a trusted proxy (always true for `source: 'tls'`). */
  readonly trusted: boolean;
  readonly header: string | undefined;
  readonly verifyHeader: string | undefined;
  readonly chainHeader: string | undefined;
  readonly chainIsNumbered: boolean;
  readonly format: ForwardedFormat | undefined;
}

const views = new WeakMap<IncomingMessage, CertificateMiddlewareView>();

/** Records what the certificate middleware saw for `req` (called by the middleware only). */
export function recordMiddlewareView(req: IncomingMessage, view: CertificateMiddlewareView): void {
  views.set(req, view);
}

/** What the certificate middleware saw for `req`, or undefined when it did not run. */
export function middlewareView(req: IncomingMessage): CertificateMiddlewareView | undefined {
  return views.get(req);
}
