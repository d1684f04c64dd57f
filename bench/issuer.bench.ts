/**
 * authorizationServer(): token issuances per second over HTTP (POST /token, tls_client_auth
 * client, certificate in an nginx header from a trusted loopback peer), next to the ceilings
 * measured in the same run: a bare jose SignJWT ES256 loop and an Express hello-world; and
 * next to node-oidc-provider 9's client_credentials endpoint (client_secret_basic, JWT tokens).
 * The same mtls-pop case runs again with certificateRevocation: an OCSP answer from a real
 * `openssl ocsp` responder, cached until its nextUpdate, and a CRL file.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authorizationServer, KeyStore } from '../src/issuer/index.js';
import type { Logger } from '../src/log.js';
import { clientCertificate } from '../src/proxy/middleware.js';
import { startOcspResponder } from '../test/revocation/ocsp-responder.js';
import { adoptCa } from '../test/revocation/openssl-ca.js';
import type { RevocationCheckerOptions } from '../src/revocation/index.js';
import { load, measure, printTable, type Measurement } from './lib.js';

const pki = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pki', name), 'utf8');
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = 16;
const RESOURCE = 'https://api.localhost/';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const close = (server: Server) => { server.closeAllConnections(); server.close(); };
const rows: Measurement[] = [];
/** This process's CPU time (user + system) per operation: robust when other work shares the cores. */
const cpuRows: Measurement[] = [];
function cpuPerOperation(name: string, started: NodeJS.CpuUsage, operations: number): void {
  const used = process.cpuUsage(started);
  const micros = (used.user + used.system) / operations;
  cpuRows.push({ name, microsPerOp: micros, opsPerSecond: 1e6 / micros });
}
async function loadMeasured(name: string, options: Parameters<typeof load>[1]) {
  const started = process.cpuUsage();
  const result = await load(name, options);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  cpuPerOperation(name, started, result.opsPerSecond * (options.durationSeconds ?? 5));
  rows.push(result);
}

// 1. The signing ceiling: jose SignJWT ES256 with the same claims, no HTTP.
const keys = await KeyStore.generate();
const sign = () => new SignJWT({ client_id: 'client-ec-dns', scope: 'payments:read', cnf: { 'x5t#S256': 'x'.repeat(43) } })
  .setProtectedHeader({ alg: 'ES256', kid: keys.active.kid, typ: 'at+jwt' }).setIssuer('https://as.localhost').setSubject('client-ec-dns')
  .setAudience(RESOURCE).setIssuedAt().setExpirationTime('10m').setJti(Math.random().toString(36)).sign(keys.active.privateKey);
rows.push(await measure('bare jose SignJWT ES256 loop (no HTTP)', sign, 3000));
{
  const started = process.cpuUsage();
  for (let i = 0; i < 2000; i++) await sign();
  cpuPerOperation('bare jose SignJWT ES256 loop (no HTTP)', started, 2000);
}

// 2. The HTTP ceiling: Express hello-world.
{
  const app = express();
  app.post('/token', (_req, res) => { res.json({ hello: 'world' }); });
  const { url, server } = await listen(app);
  await loadMeasured('Express hello-world POST (HTTP ceiling)', { url: `${url}/token`, method: 'POST', connections, durationSeconds });
  close(server);
}

// 3. mtls-pop: clientCertificate (nginx header, trusted loopback) + authorizationServer, tls_client_auth.
const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'pki', name);
async function mtlsPop(name: string, certificateRevocation?: RevocationCheckerOptions): Promise<void> {
  const app: Express = express();
  app.use(clientCertificate({ trustedProxies: 'loopback', logger: silent }));
  app.use(authorizationServer({
    issuer: 'https://as.localhost', keys, logger: silent, trustAnchors: pki('root-ca.pem'), intermediates: pki('intermediate-ca.pem'),
    clients: [{ client_id: 'client-ec-dns', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client-ec.example.com', scope: 'payments:read' }],
    ...(certificateRevocation ? { certificateRevocation } : {}),
  }));
  const { url, server } = await listen(app);
  const request = {
    url: `${url}/token`, method: 'POST' as const, connections, durationSeconds,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-ssl-client-cert': encodeURIComponent(pki('client-ec.pem')) },
    body: `grant_type=client_credentials&client_id=client-ec-dns&scope=payments%3Aread&resource=${encodeURIComponent(RESOURCE)}`,
  };
  // One request first: with revocation on, it fetches the answer that the measured ones reuse.
  const warm = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  if (warm.status !== 200) throw new Error(`${name}: warm-up answered ${warm.status}`);
  await loadMeasured(name, request);
  close(server);
}
await mtlsPop('mtls-pop POST /token (tls_client_auth, bound token)');
{
  // The fixture intermediate as an `openssl ca` database that knows the client certificate, and its responder.
  const ca = adoptCa(fixture('intermediate-ca.pem'), fixture('intermediate-ca.key'), 'mtls-pop Dev Intermediate CA');
  ca.record(fixture('client-ec.pem'));
  const responder = await startOcspResponder(ca);
  try {
    await mtlsPop('mtls-pop POST /token + OCSP (answer cached until nextUpdate)', { ocsp: true, ocspResponder: responder.url, scope: 'leaf', logger: silent });
    const crlFile = join(ca.dir, 'intermediate.crl');
    writeFileSync(crlFile, ca.crl());
    await mtlsPop('mtls-pop POST /token + CRL file', { crlFiles: crlFile, scope: 'leaf', logger: silent });
  } finally {
    await responder.stop();
    ca.cleanup();
  }
}
// Once more without revocation, after the others: the first HTTP case runs on a colder JIT, so the
// revocation cases are compared with the mean of the runs before and after them.
await mtlsPop('mtls-pop POST /token again (no revocation, after the revocation cases)');

// 4. node-oidc-provider 9: client_credentials, client_secret_basic, JWT access tokens via resource indicators.
{
  const signing = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.privateKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  let handler: ((req: never, res: never) => void) | undefined;
  const { url, server } = await listen((req, res) => handler!(req as never, res as never));
  // oidc-provider ships no type declarations.
  type ProviderClass = new (issuer: string, configuration: object) => { callback(): unknown };
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderClass };
  const provider = new Provider(url, {
    clients: [{ client_id: 'bench', client_secret: 'bench-secret-0123456789abcdef', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'ES256', scope: 'payments:read' }],
    jwks: { keys: [jwk] },
    scopes: ['payments:read'],
    ttl: { ClientCredentials: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'payments:read', audience: RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
  });
  handler = provider.callback() as never;
  await loadMeasured('oidc-provider 9 POST /token (client_secret_basic, JWT)', {
    url: `${url}/token`, method: 'POST', connections, durationSeconds,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from('bench:bench-secret-0123456789abcdef').toString('base64') },
    body: `grant_type=client_credentials&scope=payments%3Aread&resource=${encodeURIComponent(RESOURCE)}`,
  });
  close(server);
}

printTable('Token issuance, wall clock (ratios against the bare signing loop)', rows);
printTable('Token issuance, server CPU per operation (ops/s = what one fully used core would do)', cpuRows);
for (const [title, table] of [['wall clock', rows], ['CPU per operation', cpuRows]] as const) {
  const [signing, hello, ours, withOcsp, withCrl, again, oidc] = table as [Measurement, Measurement, Measurement, Measurement, Measurement, Measurement, Measurement];
  const without = (ours.opsPerSecond + again.opsPerSecond) / 2;
  // The real ceiling: one request costs at least an Express round trip plus one signature.
  const ceiling = 1 / (1 / signing.opsPerSecond + 1 / hello.opsPerSecond);
  console.log(`\n${title}: mtls-pop / oidc-provider ${(ours.opsPerSecond / oidc.opsPerSecond).toFixed(2)}x (target >= 2x); `
    + `mtls-pop / bare signing ${(ours.opsPerSecond / signing.opsPerSecond).toFixed(2)}x (target >= 0.5x); `
    + `mtls-pop / (hello-world + signing in series, ${Math.round(ceiling)} ops/s) ${(ours.opsPerSecond / ceiling).toFixed(2)}x`);
  console.log(`${title}: with cached OCSP / without (mean of the runs before and after, ${Math.round(without)} ops/s) ${(withOcsp.opsPerSecond / without).toFixed(2)}x (target >= 0.90x); `
    + `with a CRL file / without ${(withCrl.opsPerSecond / without).toFixed(2)}x; `
    + `with cached OCSP / oidc-provider ${(withOcsp.opsPerSecond / oidc.opsPerSecond).toFixed(2)}x`);
}
process.exit(0);
