/**
 * clientCertificate({ preset }) per call, no HTTP, cached and cold: what a preset's own reading of
 * the verify headers costs (HAProxy's integer, Cloudflare's two flags, ingress-nginx's subject and
 * issuer comparison) next to the same decoding configured by hand, measured in the same run.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { ClientCertificate } from '../src/certificate/model.js';
import { pemToDer } from '../src/certificate/pem.js';
import type { Logger } from '../src/log.js';
import { clientCertificate, type ClientCertificateOptions } from '../src/proxy/middleware.js';
import { measure, printTable } from './lib.js';

const pem = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pki', 'client-ec.pem'), 'utf8');
const der = pemToDer(pem);
const parsed = ClientCertificate.fromDer(der, [], 'header');
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const cases: { name: string; options: ClientCertificateOptions; headers: string[] }[] = [
  { name: 'by hand: nginx format + verifyHeader (baseline)', options: { verifyHeader: 'x-ssl-client-verify' }, headers: ['X-SSL-Client-Cert', encodeURIComponent(pem), 'X-SSL-Client-Verify', 'SUCCESS'] },
  { name: "preset 'nginx'", options: { preset: 'nginx' }, headers: ['X-SSL-Client-Cert', encodeURIComponent(pem), 'X-SSL-Client-Verify', 'SUCCESS'] },
  { name: "preset 'haproxy' (base64 DER, ssl_c_verify 0)", options: { preset: 'haproxy' }, headers: ['X-SSL-Client-Cert', der.toString('base64'), 'X-SSL-Client-Verify', '0'] },
  { name: "preset 'cloudflare' (RFC 9440, verified + revoked)", options: { preset: 'cloudflare' }, headers: ['Client-Cert', `:${der.toString('base64')}:`, 'cf-cert-verified', 'true', 'cf-cert-revoked', 'false'] },
  { name: "preset 'ingress-nginx' (+ subject and issuer compared)", options: { preset: 'ingress-nginx' }, headers: ['ssl-client-cert', encodeURIComponent(pem), 'ssl-client-verify', 'SUCCESS', 'ssl-client-subject-dn', parsed.subject, 'ssl-client-issuer-dn', parsed.issuer] },
];

function call(middleware: RequestHandler, headers: string[]): void {
  const req = { socket: { remoteAddress: '127.0.0.1' }, rawHeaders: ['Host', 'x', ...headers] } as unknown as IncomingMessage & { clientCertificateVerification?: { status: string } };
  let passed = false;
  (middleware as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void)(req, {} as ServerResponse, () => (passed = true));
  if (!passed || req.clientCertificateVerification?.status !== 'SUCCESS') throw new Error('the middleware did not report SUCCESS');
}

for (const cacheSize of [10000, 0]) {
  const rows = [];
  for (const { name, options, headers } of cases) {
    const middleware = clientCertificate({ trustedProxies: 'loopback', cacheSize, logger: silent, ...options });
    rows.push(await measure(name, () => call(middleware, headers)));
  }
  printTable(`clientCertificate({ preset }) per call, no HTTP, ${cacheSize === 0 ? 'cold (cacheSize: 0)' : 'cached'} (client-ec)`, rows);
}
