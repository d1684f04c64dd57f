/**
 * requireCertificateBoundToken(): HTTP throughput of an Express hello-world route alone; behind
 * clientCertificate (nginx header from a trusted loopback peer) + requireCertificateBoundToken with
 * one client (warm token cache) and with 1,000 distinct clients (certificates + bound tokens);
 * and behind Auth0's express-oauth2-jwt-bearer (no binding at all). All in one run, as ratios.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import express, { type RequestHandler } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { SignJWT, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import { pemToDer } from '../src/certificate/pem.js';
import { thumbprint } from '../src/certificate/thumbprint.js';
import type { Logger } from '../src/log.js';
import { clientCertificate } from '../src/proxy/middleware.js';
import { requireCertificateBoundToken } from '../src/resource/index.js';
import { load, measure, printTable, type Measurement } from './lib.js';

const ISSUER = 'https://as.example.com/';
const AUDIENCE = 'https://api.example.com';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 3);
const connections = 16;

// Signing key and a JWKS served over loopback HTTP, used by both middlewares.
const signing = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' };
const jwksServer = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [jwk] })); });
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;

async function token(clientId: string, x5t: string): Promise<string> {
  return new SignJWT({ client_id: clientId, scope: 'payments:read', cnf: { 'x5t#S256': x5t } })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench-1', typ: 'at+jwt' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(clientId).setIssuedAt().setExpirationTime('1h').setJti(`${clientId}-${Math.random()}`)
    .sign(signing.privateKey);
}

// One fixture client, and 1,000 distinct generated certificates each with its own bound token.
const fixturePem = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pki', 'client-ec.pem'), 'utf8');
const one = { 'x-ssl-client-cert': encodeURIComponent(fixturePem), authorization: `Bearer ${await token('client-ec', thumbprint(pemToDer(fixturePem)))}` };
x509.cryptoProvider.set(webcrypto as Crypto);
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const certKeys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
const started = performance.now();
const many: Record<string, string>[] = [];
for (let i = 0; i < 1000; i++) {
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (0x200000 + i).toString(16), subject: `CN=bench-client-${i}`, issuer: 'CN=bench CA',
    notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000),
    publicKey: certKeys.publicKey, signingKey: certKeys.privateKey, signingAlgorithm: algorithm,
  });
  many.push({ 'x-ssl-client-cert': encodeURIComponent(certificate.toString('pem')), authorization: `Bearer ${await token(`client-${i}`, thumbprint(new Uint8Array(certificate.rawData)))}` });
}
console.log(`\n(generated 1,000 distinct certificates and bound tokens in ${Math.round(performance.now() - started)} ms)`);

const proxy = () => clientCertificate({ trustedProxies: 'loopback', logger: silent });

/**
 * The bracket (issue 13 item 12): about the least a bound-token check can do. jose's jwtVerify
 * result cached in a Map by token, the SHA-256 of the URL-decoded header's DER cached in a Map
 * by header value, cnf compared; no trust check, no duplicate-header check, no size caps, no
 * expiry check on cache hits, unbounded Maps. Not a thing to deploy: a floor to measure against.
 */
function minimalBoundCheck(): RequestHandler {
  const keys = createRemoteJWKSet(new URL(jwksUri));
  const verified = new Map<string, JWTPayload>();
  const thumbprints = new Map<string, string>();
  return (req, res, next) => {
    const authorization = req.headers.authorization;
    const header = req.headers['x-ssl-client-cert'];
    if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ') || typeof header !== 'string') {
      res.status(401).end();
      return;
    }
    const token = authorization.slice(7);
    let x5t = thumbprints.get(header);
    if (x5t === undefined) {
      x5t = createHash('sha256').update(pemToDer(decodeURIComponent(header))).digest('base64url');
      thumbprints.set(header, x5t);
    }
    const check = (payload: JWTPayload): void => {
      if ((payload.cnf as Record<string, unknown> | undefined)?.['x5t#S256'] !== x5t) {
        res.status(401).end();
        return;
      }
      req.boundToken = { token, claims: payload, scopes: [], certificate: undefined };
      next();
    };
    const cached = verified.get(token);
    if (cached !== undefined) {
      check(cached);
      return;
    }
    jwtVerify(token, keys, { issuer: ISSUER, audience: AUDIENCE }).then(({ payload }) => {
      verified.set(token, payload);
      check(payload);
    }, () => res.status(401).end());
  };
}
const bound = () => requireCertificateBoundToken({ jwksUri, issuer: ISSUER, audience: AUDIENCE, logger: silent });

// Per call, no HTTP: what the warm path costs on its own.
{
  const guard = bound() as unknown as (req: unknown, res: unknown, next: () => void) => void;
  const cert = (await import('../src/certificate/model.js')).ClientCertificate.fromDer(pemToDer(fixturePem));
  const request = () => ({ url: '/', rawHeaders: ['Host', 'x', 'Authorization', one.authorization], clientCertificate: cert });
  await new Promise<void>((resolve) => guard(request(), {}, resolve));
  printTable('requireCertificateBoundToken per call, no HTTP', [
    await measure('object allocation only (baseline)', () => request()),
    await measure('warm: header, cache hit, exp, binding', () => guard(request(), {}, () => {})),
  ]);
}

async function serve(chain: RequestHandler[]): Promise<{ url: string; close: () => void }> {
  const app = express();
  app.get('/', ...chain, (req, res) => { res.json({ hello: 'world', client: req.boundToken?.claims?.client_id ?? null }); });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => { server.closeAllConnections(); server.close(); } };
}

/** autocannon in a child process (bench/lib.ts), rotating through `requests`. */
function run(name: string, url: string, requests: { headers: Record<string, string> }[], seconds: number): Promise<Measurement & { non2xx: number; errors: number; p99: number }> {
  return load(name, { url, connections, durationSeconds: seconds, requests });
}

// Cases are interleaved over several rounds and each reports its median, so that load from
// other processes drifting during the run does not land on one case only.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cases = [
  ['Express hello-world (baseline)', [], [{ headers: one }]],
  ['clientCertificate only, one client (for attribution)', [proxy()], [{ headers: one }]],
  ['clientCertificate + requireCertificateBoundToken, one client (warm)', [proxy(), bound()], [{ headers: one }]],
  ['bracket: minimal hand-written bound check, one client (warm)', [minimalBoundCheck()], [{ headers: one }]],
  ['clientCertificate + requireCertificateBoundToken, 1,000 distinct clients', [proxy(), bound()], many.map((headers) => ({ headers }))],
  ['express-oauth2-jwt-bearer auth(), one client, no binding', [auth({ issuer: ISSUER, audience: AUDIENCE, jwksUri, tokenSigningAlg: 'ES256' })], [{ headers: one }]],
  ['express-oauth2-jwt-bearer auth(), 1,000 distinct tokens, no binding', [auth({ issuer: ISSUER, audience: AUDIENCE, jwksUri, tokenSigningAlg: 'ES256' })], many.map((headers) => ({ headers }))],
] as [string, RequestHandler[], { headers: Record<string, string> }[]][];
const servers = await Promise.all(cases.map(([, chain]) => serve(chain)));
for (const [i, [name, , requests]] of cases.entries()) await run(`${name} (warm-up)`, servers[i]!.url, requests, 1);
const samples: number[][] = cases.map(() => []);
const tails: number[][] = cases.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (const [i, [name, , requests]] of cases.entries()) {
    const result = await run(name, servers[i]!.url, requests, durationSeconds);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    samples[i]!.push(result.opsPerSecond);
    tails[i]!.push(result.p99);
  }
}
for (const server of servers) server.close();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: Measurement[] = cases.map(([name], i) => ({ name, opsPerSecond: median(samples[i]!), microsPerOp: 1e6 / median(samples[i]!) }));
printTable(`HTTP throughput (autocannon, ${connections} connections, median of ${rounds} interleaved ${durationSeconds} s runs)`, rows);
console.log('\n| case | p99 latency, ms (median of the runs) |\n|---|---:|');
for (const [i, [name]] of cases.entries()) console.log(`| ${name} | ${median(tails[i]!)} |`);
const ours = cases.findIndex(([name]) => name.includes('requireCertificateBoundToken, one client (warm)'));
const bracket = cases.findIndex(([name]) => name.startsWith('bracket:'));
console.log(`\nwarm bound route vs the bracket: ${(median(samples[ours]!) / median(samples[bracket]!)).toFixed(2)}x throughput, ${(median(tails[ours]!) / Math.max(1, median(tails[bracket]!))).toFixed(2)}x p99 (same run)`);
console.log(`\nload average at the end: ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}`);
jwksServer.closeAllConnections();
jwksServer.close();
