/**
 * One soak app instance (a child process): clientCertificate + authorizationServer + a protected
 * API, composed from the library as the README shows. The signing keys live in a shared JWKS file:
 * the instance re-reads it when it changes (issuer side), and the API verifies with a local JWKS
 * route that re-reads it on an unknown `kid` (resource side), so a rotation done by any process
 * holding the file is picked up without a restart. Answers `{ rss }` to an IPC 'rss' message.
 */
import 'reflect-metadata';
import { statSync, unwatchFile, watchFile } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import express from 'express';
import { clientCertificate } from '../src/proxy/middleware.js';
import { authorizationServer, ClientRegistry, KeyStore } from '../src/issuer/index.js';
import { requireCertificateBoundToken, requireScope } from '../src/resource/index.js';
import type { Logger } from '../src/log.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`soak app: ${name} is required`);
  return value;
};
const port = Number(env('SOAK_PORT'));
const keyFile = env('SOAK_KEY_FILE');
const cacheSize = Number(process.env.SOAK_CACHE_SIZE ?? '5000');
const ISSUER = 'https://as.localhost';
const AUDIENCE = 'https://api.soak.test/';

const counts = { warn: 0, error: 0 };
const errors: string[] = [];
const logger: Logger = {
  debug: () => undefined, info: () => undefined,
  warn: () => { counts.warn += 1; },
  error: (object: object, message?: string) => { counts.error += 1; if (errors.length < 20) errors.push(`${message} ${JSON.stringify(object).slice(0, 400)}`); },
} as Logger;

const keys = await KeyStore.fromFile(keyFile);
let keysMtime = statSync(keyFile).mtimeMs;
let reloading: Promise<void> | undefined;
/** Re-reads the key file when it changed since the last read. */
const reloadIfChanged = (): Promise<void> => {
  const mtime = statSync(keyFile).mtimeMs;
  if (mtime === keysMtime) return reloading ?? Promise.resolve();
  keysMtime = mtime;
  reloading = keys.reload().finally(() => { reloading = undefined; });
  return reloading;
};
watchFile(keyFile, { interval: 100 }, () => { void reloadIfChanged().catch((error) => logger.error({ error: String(error) }, 'key reload failed')); });

const app = express();
app.disable('x-powered-by');
app.get('/internal/jwks', async (_req, res) => {
  await reloadIfChanged();
  res.json(keys.publicJwks());
});
app.use(clientCertificate({ trustedProxies: '127.0.0.1', format: 'nginx', header: 'x-ssl-client-cert', verifyHeader: 'x-ssl-client-verify', cacheSize, logger }));
app.use(authorizationServer({
  issuer: ISSUER, keys, clients: await ClientRegistry.fromFile(env('SOAK_CLIENTS_FILE')), trustAnchors: readFileSync(env('SOAK_CA_FILE'), 'utf8'),
  mtlsBaseUrl: 'https://mtls.as.localhost', defaultResource: AUDIENCE, logger,
}));
app.get('/api/hello',
  requireCertificateBoundToken({ jwksUri: `http://127.0.0.1:${port}/internal/jwks`, jwksCooldownMs: 0, issuer: ISSUER, audience: AUDIENCE, cacheSize, logger }),
  requireScope('api:read'),
  (req, res) => { res.json({ client_id: req.auth!.claims.client_id, 'x5t#S256': req.auth!.certificate?.thumbprint }); });

const server = createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', pid: process.pid }));
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'rss') (globalThis as { gc?: () => void }).gc?.();
  if (message?.type === 'rss') process.send?.({ type: 'rss', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, logs: counts, errors });
});
process.on('SIGTERM', () => { unwatchFile(keyFile); server.close(() => process.exit(0)); server.closeIdleConnections(); });
