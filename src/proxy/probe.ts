import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { closest } from '../lib/closest.js';
import { PROBE_HEADER, probeReport } from './probe-report.js';

export { PROBE_HEADER, PROBE_MARKER_HEADER, probeReport, type ProbeReport, type ProbeHeaderCopy } from './probe-report.js';

/** Options of `clientCertificateProbe(options)`. */
export interface ClientCertificateProbeOptions {
  /** The shared secret `mtls-pop doctor --probe-secret` sends in `mtls-pop-probe`; at least 16 characters. Required. */
  secret: string;
  /** Probe requests (right or wrong secret) answered per minute, across all clients; more get 429. Default: `120`. */
  maxRequestsPerMinute?: number;
}

export const CLIENT_CERTIFICATE_PROBE_DEFAULTS = Object.freeze({ maxRequestsPerMinute: 120 });

const KNOWN_KEYS = ['secret', 'maxRequestsPerMinute'];
const MIN_SECRET_LENGTH = 16;

/**
 * Express middleware for `mtls-pop doctor`: mount it AFTER `clientCertificate()`. A request whose
 * `mtls-pop-probe` header equals `secret` (compared in constant time) is answered here with a
 * `ProbeReport` (what the certificate middleware saw: header names, copies, thumbprints, the
 * verification, whether the peer was trusted; never a header's value); every other request goes
 * on untouched. Requests carrying the header are limited to `maxRequestsPerMinute` (429 beyond),
 * whether their secret is right or not. Not mounted, it does nothing: there is no switch to forget.
 * @throws {TypeError} at construction, for a missing or short secret or an unknown option
 */
export function clientCertificateProbe(options: ClientCertificateProbeOptions): RequestHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('clientCertificateProbe: options must be an object with a secret');
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) {
      const hint = closest(key, KNOWN_KEYS);
      throw new TypeError(`clientCertificateProbe: unknown option "${key}"${hint ? `. Did you mean "${hint}"?` : ''}`);
    }
  }
  if (typeof options.secret !== 'string' || options.secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`clientCertificateProbe: secret must be a string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 24)`);
  }
  const limit = options.maxRequestsPerMinute ?? CLIENT_CERTIFICATE_PROBE_DEFAULTS.maxRequestsPerMinute;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new TypeError('clientCertificateProbe: maxRequestsPerMinute must be an integer from 1 to 100000');
  // Digests of equal length, so the comparison takes the same time whatever the length guessed.
  const expected = digest(options.secret);
  let windowStart = 0;
  let used = 0;
  const handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const offered = req.headers[PROBE_HEADER];
    if (offered === undefined) {
      next();
      return;
    }
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    if (++used > limit) {
      send(res, 429, { error: 'too_many_requests', error_description: 'probe rate limit reached; try again in a minute' }, { 'Retry-After': String(Math.ceil((windowStart + 60_000 - now) / 1000)) });
      return;
    }
    if (typeof offered !== 'string' || !timingSafeEqual(digest(offered), expected)) {
      next();
      return;
    }
    send(res, 200, probeReport(req));
  };
  return handler as unknown as RequestHandler;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Writes a JSON answer that no cache keeps. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
