/**
 * clientCertificate(): the middleware per call (no HTTP), cold (cache off) and cached, next to a bare
 * node:crypto X509Certificate parse from the same run; then HTTP throughput of an Express hello-world
 * route alone and behind the middleware, with one client certificate and with 1,000 distinct ones.
 */
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import express, { type RequestHandler } from 'express';
import { pemToDer } from '../src/certificate/pem.js';
import type { Logger } from '../src/log.js';
import { clientCertificate } from '../src/proxy/middleware.js';
import { load, measure, printTable } from './lib.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pem = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pki', 'client-ec.pem'), 'utf8');
const der = pemToDer(pem);
const header = encodeURIComponent(pem);
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function fakeRequest(value: string): IncomingMessage {
  return { socket: { remoteAddress: '127.0.0.1' }, rawHeaders: ['Host', 'x', 'X-SSL-Client-Cert', value, 'Accept', '*/*'] } as unknown as IncomingMessage;
}
function call(middleware: RequestHandler, req: IncomingMessage): void {
  let passed = false;
  (middleware as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void)(req, {} as ServerResponse, () => (passed = true));
  if (!passed || !(req as { clientCertificate?: unknown }).clientCertificate) throw new Error('the middleware did not accept the certificate');
}

const cold = clientCertificate({ trustedProxies: 'loopback', cacheSize: 0, logger: silent });
const cached = clientCertificate({ trustedProxies: 'loopback', logger: silent });
const untrusted = clientCertificate({ logger: silent });
printTable('clientCertificate() per call, no HTTP (nginx format, client-ec)', [
  await measure('node:crypto new X509Certificate(der) (baseline)', () => new X509Certificate(der)),
  await measure('middleware, cold (cacheSize: 0)', () => call(cold, fakeRequest(header))),
  await measure('middleware, cached', () => call(cached, fakeRequest(header))),
  await measure('middleware, no header from an untrusted peer', () => (untrusted as unknown as (a: unknown, b: unknown, c: () => void) => void)({ socket: { remoteAddress: '10.1.1.1' }, rawHeaders: ['Host', 'x', 'Accept', '*/*'] }, {}, () => {})),
]);

// 1,000 distinct real certificates: one key, distinct serials and subjects, signed by a throwaway CA.
x509.cryptoProvider.set(webcrypto as Crypto);
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
const started = performance.now();
const headers: string[] = [];
for (let i = 0; i < 1000; i++) {
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (0x100000 + i).toString(16), subject: `CN=bench-client-${i}`, issuer: 'CN=bench CA',
    notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey, signingKey: keys.privateKey, signingAlgorithm: algorithm,
  });
  headers.push(encodeURIComponent(certificate.toString('pem')));
}
console.log(`\n(generated 1,000 distinct certificates in ${Math.round(performance.now() - started)} ms)`);

async function serve(middleware?: RequestHandler): Promise<{ url: string; close: () => void }> {
  const app = express();
  if (middleware) app.use(middleware);
  app.get('/', (req, res) => { res.json({ hello: 'world', thumbprint: req.clientCertificate?.thumbprint ?? null }); });
  const server = await new Promise<import('node:http').Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => { server.closeAllConnections(); server.close(); } };
}

const rows = [];
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 4);
for (const [name, middleware, options] of [
  ['Express hello-world (baseline)', undefined, {}],
  ['behind clientCertificate, one client', clientCertificate({ trustedProxies: 'loopback', logger: silent }), { headers: { 'x-ssl-client-cert': header } }],
  ['behind clientCertificate, 1,000 distinct clients (cached)', clientCertificate({ trustedProxies: 'loopback', logger: silent }), { requests: headers.map((value) => ({ headers: { 'x-ssl-client-cert': value } })) }],
  ['behind clientCertificate, 1,000 distinct clients, cacheSize: 0', clientCertificate({ trustedProxies: 'loopback', cacheSize: 0, logger: silent }), { requests: headers.map((value) => ({ headers: { 'x-ssl-client-cert': value } })) }],
] as const) {
  const server = await serve(middleware);
  const result = await load(name, { url: server.url, connections: 16, durationSeconds, ...options });
  server.close();
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  rows.push(result);
}
printTable('HTTP throughput (autocannon, 16 connections)', rows);
