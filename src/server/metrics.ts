import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { MtlsPopEvent, MtlsPopEventListener } from '../events/index.js';
import { listen } from './lifecycle.js';

/** The Prometheus counters of `mtls-pop serve`, fed by the library's `onEvent` hook. */
export interface Metrics {
  readonly registry: Registry;
  /** Pass as `onEvent` to clientCertificate, authorizationServer and requireCertificateBoundToken. */
  readonly onEvent: MtlsPopEventListener;
}

/** Metric names, one per event type: what the README's alert and the test scrape. */
export const METRIC_NAMES = Object.freeze({
  certificate_header_untrusted: 'mtls_pop_certificate_headers_untrusted_total',
  certificate_verify_failed: 'mtls_pop_certificate_verify_failures_total',
  certificate_refused: 'mtls_pop_certificate_refusals_total',
  token_refused: 'mtls_pop_token_refusals_total',
  token_issued: 'mtls_pop_tokens_issued_total',
} satisfies Record<MtlsPopEvent['type'], string>);

/** A registry with mtls-pop's counters (and Node's process metrics), and the listener that moves them. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const untrusted = new Counter({ name: METRIC_NAMES.certificate_header_untrusted, help: 'Requests with client certificate headers from a peer that is not a trusted proxy (refused or removed): forgeries or a bypassed proxy.', registers: [registry] });
  const verifyFailed = new Counter({ name: METRIC_NAMES.certificate_verify_failed, help: 'Presented client certificates the proxy or TLS socket reported as not verified.', labelNames: ['source'], registers: [registry] });
  const certificateRefused = new Counter({ name: METRIC_NAMES.certificate_refused, help: 'Forwarded client certificates refused, by error code.', labelNames: ['code'], registers: [registry] });
  const tokenRefused = new Counter({ name: METRIC_NAMES.token_refused, help: 'Protected-resource requests refused, by refusal code (ERR_CERTIFICATE_MISMATCH, ERR_TOKEN_EXPIRED, ERR_TOKEN_REVOKED, ...).', labelNames: ['code'], registers: [registry] });
  const issued = new Counter({ name: METRIC_NAMES.token_issued, help: 'Access tokens issued, by client authentication method and whether certificate-bound.', labelNames: ['method', 'bound'], registers: [registry] });
  const onEvent = (event: MtlsPopEvent): void => {
    switch (event.type) {
      case 'certificate_header_untrusted': untrusted.inc(); break;
      case 'certificate_verify_failed': verifyFailed.inc({ source: event.source }); break;
      case 'certificate_refused': certificateRefused.inc({ code: event.code }); break;
      case 'token_refused': tokenRefused.inc({ code: event.code }); break;
      case 'token_issued': issued.inc({ method: event.method, bound: String(event.bound) }); break;
    }
  };
  return { registry, onEvent };
}

/**
 * The metrics listener: `GET /metrics` in the Prometheus text format on its own address and
 * port, never on the public listener. With `token`, only `Authorization: Bearer <token>`
 * (compared in constant time) is answered; others get 401.
 */
export async function startMetricsServer(metrics: Metrics, options: { host: string; port: number; token: string }): Promise<{ server: Server; port: number }> {
  const expected = options.token ? digest(options.token) : undefined;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (expected) {
      const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="mtls-pop metrics"' }).end('unauthorized\n');
        return;
      }
    }
    metrics.registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text);
    }, () => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
    });
  });
  server.requestTimeout = 10_000;
  const port = await listen(server, options.host, options.port);
  return { server, port };
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
