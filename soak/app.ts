/**
 * One soak app instance (a child process): clientCertificate + authorizationServer + a protected
 * API, composed from the library as `mtls-pop serve` composes it. The signing keys live in a
 * shared JWKS file, watched by a KeyStore that both the token endpoint and the API's
 * `requireCertificateBoundToken({ jwks: keys })` read, so a rotation done by any process holding
 * the file (`mtls-pop keys rotate`) is picked up without a restart. Answers `{ rss }` to an IPC
 * 'rss' message.
 */
import 'reflect-metadata';
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

const keys = await KeyStore.fromFile(keyFile, { watch: true, logger });

const app = express();
app.disable('x-powered-by');
app.use(clientCertificate({ trustedProxies: '127.0.0.1', format: 'nginx', header: 'x-ssl-client-cert', verifyHeader: 'x-ssl-client-verify', cacheSize, logger }));
app.use(authorizationServer({
  issuer: ISSUER, keys, clients: await ClientRegistry.fromFile(env('SOAK_CLIENTS_FILE')), trustAnchors: readFileSync(env('SOAK_CA_FILE'), 'utf8'),
  mtlsBaseUrl: 'https://mtls.as.localhost', defaultResource: AUDIENCE, logger,
}));
app.get('/api/hello',
  requireCertificateBoundToken({ jwks: keys, issuer: ISSUER, audience: AUDIENCE, cacheSize, logger }),
  requireScope('api:read'),
  (req, res) => { res.json({ client_id: req.boundToken!.claims.client_id, 'x5t#S256': req.boundToken!.certificate?.thumbprint }); });

const server = createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', pid: process.pid }));
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'rss') (globalThis as { gc?: () => void }).gc?.();
  if (message?.type === 'rss') process.send?.({ type: 'rss', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, logs: counts, errors });
});
process.on('SIGTERM', () => { keys.close(); server.close(() => process.exit(0)); server.closeIdleConnections(); });
