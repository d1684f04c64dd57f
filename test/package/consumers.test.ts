/**
 * The package as users get it: `npm pack`, then fresh projects outside this repository (so that
 * nothing resolves from our own node_modules) install the tarball from the registry's point of
 * view, type-check with `tsc --strict`, compile, and serve a certificate-bound token request end to
 * end over real HTTP on loopback. This test plays the proxy: it sends the certificate header that
 * nginx would send, from 127.0.0.1, which the apps trust.
 *
 * Two installs (one per Express major) keep it fast; each holds several projects in subfolders:
 * - express5/esm: ESM + TypeScript strict, `import` from `mtls-pop` and `mtls-pop/issuer`;
 * - express5/cjs: CommonJS TypeScript (`"module": "nodenext"`), compiled to `require()` calls, and
 *   `node -e "require('mtls-pop')"`;
 * - express5/auth0: express-oauth2-jwt-bearer and mtls-pop in one program (both augment
 *   Express.Request: the names must not clash), Auth0's `auth()` with our `auth0GetCertificate`;
 * - express4/esm: the ESM project against Express 4 and @types/express 4.
 * Packages come from the npm registry (`--prefer-offline` uses the local cache first).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, packedTarball } from './pack.js';

const TYPESCRIPT = '5.9';
const INSTALLS = {
  express5: ['express@5', '@types/express@5', 'express-oauth2-jwt-bearer@1.10'],
  express4: ['express@4', '@types/express@4'],
} as const;
const AUDIENCE = 'https://api.example.com/';
const ISSUER = 'https://as.example.com';

let workspace: string;
const children: ChildProcess[] = [];

const PROJECTS: { install: keyof typeof INSTALLS; name: string; type: 'module' | 'commonjs'; app: () => string }[] = [
  { install: 'express5', name: 'esm', type: 'module', app: () => ESM_APP },
  { install: 'express4', name: 'esm', type: 'module', app: () => ESM_APP },
  { install: 'express5', name: 'cjs', type: 'commonjs', app: () => CJS_APP },
  { install: 'express5', name: 'auth0', type: 'module', app: () => AUTH0_APP },
];
const compileErrors = new Map<string, string>();

beforeAll(async () => {
  const tarball = packedTarball();
  workspace = mkdtempSync(join(tmpdir(), 'mtls-pop-consumers-'));
  await Promise.all(Object.entries(INSTALLS).map(async ([name, packages]) => {
    const dir = join(workspace, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...packages, `typescript@${TYPESCRIPT}`, '@types/node@20'], dir);
  }));
  for (const { install, name, type, app } of PROJECTS) project(install, name, type, { 'app.ts': app() });
  // One strict type-check and compile per install, covering its projects (each emits next to its sources).
  await Promise.all(Object.keys(INSTALLS).map(async (install) => {
    const dir = join(workspace, install);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, types: ['node'], esModuleInterop: true, skipLibCheck: false }, include: ['*/app.ts'] }));
    try {
      await run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir);
    } catch (error) {
      compileErrors.set(install, String((error as Error).message));
    }
  }));
}, 900_000);

/** Runs a command to completion without blocking the event loop; rejects with its output on failure. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/** The type errors of the install's projects, empty when tsc passed. */
function compiled(install: keyof typeof INSTALLS): string {
  return compileErrors.get(install) ?? '';
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/** A project folder inside one install, with the test PKI, a client registry and its tsconfig. */
function project(install: keyof typeof INSTALLS, name: string, type: 'module' | 'commonjs', files: Record<string, string>): string {
  const dir = join(workspace, install, name);
  mkdirSync(join(dir, 'fixtures'), { recursive: true });
  for (const file of ['root-ca.pem', 'intermediate-ca.pem', 'client-ec.pem', 'client-rsa.pem']) cpSync(join(ROOT, 'fixtures', 'pki', file), join(dir, 'fixtures', file));
  writeFileSync(join(dir, 'fixtures', 'clients.json'), JSON.stringify({ clients: [
    { client_id: 'client-ec', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client-ec.example.com', scope: 'payments:read', allowed_resources: [AUDIENCE] },
  ] }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${install}-${name}`, private: true, type }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Runs the compiled app and resolves with its port once it prints `listening <port>`. */
function serve(dir: string, entry: string): Promise<number> {
  const child = spawn(process.execPath, [entry], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening:\n${output}`)));
  });
}

const header = (file: string): string => encodeURIComponent(readFileSync(join(ROOT, 'fixtures', 'pki', file), 'utf8'));

/** What nginx would send: a token request with client-ec's certificate, then the API with the token. */
async function boundTokenFlow(port: number, path: string): Promise<{ token: number; api: number; body: unknown; otherCertificate: number; otherError: string | null }> {
  const base = `http://127.0.0.1:${port}`;
  const tokenResponse = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-ssl-client-cert': header('client-ec.pem') },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-ec', resource: AUDIENCE }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const api = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-ssl-client-cert': header('client-ec.pem') } });
  const other = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-ssl-client-cert': header('client-rsa.pem') } });
  await other.arrayBuffer();
  return { token: tokenResponse.status, api: api.status, body: await api.json(), otherCertificate: other.status, otherError: other.headers.get('www-authenticate') };
}

/** The consumer's app: our authorization server and our resource middleware, ESM with top-level await. */
const CJS_APP = `import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { clientCertificate, requireCertificateBoundToken } from 'mtls-pop';
import { authorizationServer, ClientRegistry, KeyStore } from 'mtls-pop/issuer';

async function main(): Promise<void> {
  const keys = await KeyStore.generate();
  const app = express();
  app.use(clientCertificate({ trustedProxies: 'loopback' }));
  app.use(authorizationServer({
    issuer: '${ISSUER}', keys, clients: await ClientRegistry.fromFile('fixtures/clients.json'),
    trustAnchors: readFileSync('fixtures/root-ca.pem', 'utf8'), intermediates: readFileSync('fixtures/intermediate-ca.pem', 'utf8'),
  }));
  app.get('/payments', requireCertificateBoundToken({ jwks: keys, issuer: '${ISSUER}', audience: '${AUDIENCE}' }), (req, res) => {
    res.json({ client: req.boundToken!.claims.client_id, thumbprint: req.boundToken!.certificate?.thumbprint ?? null });
  });
  const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + (server.address() as AddressInfo).port));
}
void main();
`;

/** Auth0's express-oauth2-jwt-bearer and mtls-pop in one program, each on its own route. */
const AUTH0_APP = `import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { auth } from 'express-oauth2-jwt-bearer';
import { clientCertificate, requireCertificateBoundToken } from 'mtls-pop';
import { auth0GetCertificate } from 'mtls-pop/auth0';
import { authorizationServer, ClientRegistry, KeyStore } from 'mtls-pop/issuer';

const keys = await KeyStore.generate();
const app = express();
app.use(clientCertificate({ trustedProxies: 'loopback' }));
app.use(authorizationServer({
  issuer: '${ISSUER}', keys, clients: await ClientRegistry.fromFile('fixtures/clients.json'),
  trustAnchors: readFileSync('fixtures/root-ca.pem', 'utf8'), intermediates: readFileSync('fixtures/intermediate-ca.pem', 'utf8'),
}));
const server = app.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  // Auth0's library sets req.auth; ours sets req.boundToken.
  app.get('/auth0/payments', auth({ issuer: '${ISSUER}', audience: '${AUDIENCE}', jwksUri: 'http://127.0.0.1:' + port + '/jwks', tokenSigningAlg: 'ES256', getCertificate: auth0GetCertificate, mtls: { required: true } }),
    (req, res) => { res.json({ client: req.auth!.payload.client_id, thumbprint: req.clientCertificate?.thumbprint ?? null }); });
  app.get('/payments', requireCertificateBoundToken({ jwks: keys, issuer: '${ISSUER}', audience: '${AUDIENCE}' }),
    (req, res) => { res.json({ client: req.boundToken!.claims.client_id, thumbprint: req.boundToken!.certificate?.thumbprint ?? null }); });
  console.log('listening ' + port);
});
`;

const ESM_APP = `import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { clientCertificate, requireCertificateBoundToken, requireScope, type RequestAuth } from 'mtls-pop';
import { authorizationServer, ClientRegistry, KeyStore } from 'mtls-pop/issuer';

const keys = await KeyStore.generate();
const app = express();
app.use(clientCertificate({ trustedProxies: 'loopback' }));
app.use(authorizationServer({
  issuer: '${ISSUER}', keys, clients: await ClientRegistry.fromFile('fixtures/clients.json'),
  trustAnchors: readFileSync('fixtures/root-ca.pem', 'utf8'), intermediates: readFileSync('fixtures/intermediate-ca.pem', 'utf8'),
}));
app.get('/payments', requireCertificateBoundToken({ jwks: keys, issuer: '${ISSUER}', audience: '${AUDIENCE}' }), requireScope('payments:read'), (req, res) => {
  const bound: RequestAuth = req.boundToken!;
  res.json({ client: bound.claims.client_id, thumbprint: bound.certificate?.thumbprint ?? null });
});
const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + (server.address() as AddressInfo).port));
`;

describe('a fresh project installing the packed tarball', () => {
  it('ships no source maps, no TypeScript sources and a LICENSE', () => {
    const listing = execFileSync('tar', ['tzf', packedTarball()], { encoding: 'utf8' }).split('\n');
    expect(listing.filter((file) => file.endsWith('.map') || (file.endsWith('.ts') && !file.endsWith('.d.ts')))).toEqual([]);
    expect(listing).toEqual(expect.arrayContaining(['package/LICENSE', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/bin/mtls-pop.js']));
  });

  it.each(['express5', 'express4'] as const)('%s, ESM + TypeScript strict: type-checks and serves a bound token end to end', async (install) => {
    expect(compiled(install)).toBe('');
    const flow = await boundTokenFlow(await serve(join(workspace, install, 'esm'), 'app.js'), '/payments');
    expect(flow).toEqual({ token: 200, api: 200, body: { client: 'client-ec', thumbprint: expect.stringMatching(/^[\w-]{43}$/) }, otherCertificate: 401, otherError: expect.stringContaining('error="invalid_token"') });
  }, 120_000);

  it('express5, CommonJS TypeScript: compiles to require() and serves a bound token end to end', async () => {
    expect(compiled('express5')).toBe('');
    const dir = join(workspace, 'express5', 'cjs');
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toContain('require("mtls-pop")');
    expect(execFileSync(process.execPath, ['-e', "const m = require('mtls-pop'); const i = require('mtls-pop/issuer'); console.log(typeof m.clientCertificate, typeof m.requireCertificateBoundToken, typeof i.authorizationServer)"], { cwd: dir, encoding: 'utf8' }).trim()).toBe('function function function');
    const flow = await boundTokenFlow(await serve(dir, 'app.js'), '/payments');
    expect(flow).toEqual({ token: 200, api: 200, body: { client: 'client-ec', thumbprint: expect.stringMatching(/^[\w-]{43}$/) }, otherCertificate: 401, otherError: expect.stringContaining('error="invalid_token"') });
  }, 120_000);

  it('express5 with express-oauth2-jwt-bearer: both libraries in one program type-check; Auth0 checks our binding', async () => {
    expect(compiled('express5')).toBe('');
    const port = await serve(join(workspace, 'express5', 'auth0'), 'app.js');
    const ours = await boundTokenFlow(port, '/payments');
    expect(ours).toMatchObject({ token: 200, api: 200, body: { client: 'client-ec' }, otherCertificate: 401 });
    const auth0 = await boundTokenFlow(port, '/auth0/payments');
    expect(auth0).toMatchObject({ token: 200, api: 200, body: { client: 'client-ec', thumbprint: (ours.body as { thumbprint: string }).thumbprint }, otherCertificate: 401, otherError: expect.stringContaining('invalid_token') });
  }, 120_000);
});
