/**
 * The hostile-input stack: a real nginx, Apache httpd, HAProxy or Caddy, rendered from the shipped template, in
 * front of an Express app composed from the library (clientCertificate, the authorization server,
 * a protected API). The app counts what reaches each handler, so a test can assert that NOTHING
 * reached a handler that should not have run.
 */
import 'reflect-metadata';
import express from 'express';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { authorizationServer, KeyStore, type ClientMetadata } from '../../src/issuer/index.js';
import { requireCertificateBoundToken, requireScope } from '../../src/resource/index.js';
import type { Logger } from '../../src/log.js';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, startServer, type RunningServer, type ServerKind } from '../helpers/servers.js';
import { serverFiles } from '../templates/harness.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';

export const ISSUER = 'https://as.localhost';
export const AUDIENCE = 'https://api.localhost/';
export const PLAIN_HOST = 'as.localhost';
export const MTLS_HOST = 'mtls.as.localhost';
export const API_PATH = '/api/hello';
/** The client whose certificate a forger would like to be: client-ec, by its DNS SAN. */
export const CLIENT_ID = 'client-ec-dns';

const CLIENTS: ClientMetadata[] = [
  { client_id: CLIENT_ID, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client-ec.example.com', scope: 'api:read' },
  { client_id: 'client-rsa-ip6', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_ip: '2001:db8::10', scope: 'api:read' },
];

/** What reached the app: one entry per handler, and the certificates the middleware accepted. */
export interface Counters {
  /** Requests that passed clientCertificate (any route). */
  passedCertificateMiddleware: number;
  /** Requests the token endpoint handled, and how many got a token (status 200). */
  tokenRequests: number;
  tokensIssued: number;
  /** Requests that reached the protected API's final handler (token, binding and scope all good). */
  apiHandler: number;
  /** Every thumbprint req.clientCertificate carried. */
  thumbprints: string[];
  /** Requests on any other path that reached the app (a smuggled request would show up here). */
  otherPaths: string[];
  /** Log lines (level + message) written by the middleware. */
  logs: string[];
}

function countingLogger(counters: Counters): Logger {
  const at = (level: string) => (object: object, message?: string) => { counters.logs.push(`${level}: ${message ?? ''} ${JSON.stringify(object).slice(0, 300)}`); };
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') } as Logger;
}

export interface HostileApp {
  port: number;
  counters: Counters;
  reset(): void;
  close(): Promise<void>;
}

/**
 * The app, as the README tells users to compose it. `trustedProxies` is exactly the proxy's
 * address (127.0.0.1), not `loopback`, so a client bound to 127.0.0.2 is an untrusted peer.
 */
export async function startHostileApp(format: 'nginx' | 'apache' | { preset: 'haproxy' | 'caddy' }, host = '127.0.0.1'): Promise<HostileApp> {
  const counters: Counters = { passedCertificateMiddleware: 0, tokenRequests: 0, tokensIssued: 0, apiHandler: 0, thumbprints: [], otherPaths: [], logs: [] };
  const logger = countingLogger(counters);
  const keys = await KeyStore.generate();
  const app = express();
  app.disable('x-powered-by');
  app.use(clientCertificate({
    trustedProxies: '127.0.0.1', logger,
    ...(typeof format === 'object' ? { preset: format.preset } : { format, header: 'x-ssl-client-cert', verifyHeader: 'x-ssl-client-verify' }),
    ...(format === 'apache' ? { chainHeader: 'x-ssl-client-cert-chain-' } : {}),
  }));
  app.use((req, res, next) => {
    counters.passedCertificateMiddleware += 1;
    if (req.clientCertificate) counters.thumbprints.push(req.clientCertificate.thumbprint);
    if (req.path === '/token') {
      counters.tokenRequests += 1;
      res.on('finish', () => { if (res.statusCode === 200) counters.tokensIssued += 1; });
    } else if (req.path !== API_PATH) {
      counters.otherPaths.push(`${req.method} ${req.path}`);
    }
    next();
  });
  app.use(authorizationServer({
    issuer: ISSUER, keys, clients: CLIENTS, trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem'),
    mtlsBaseUrl: `https://${MTLS_HOST}`, defaultResource: AUDIENCE, logger,
  }));
  app.get(API_PATH,
    requireCertificateBoundToken({ jwks: keys.publicJwks(), issuer: ISSUER, audience: AUDIENCE, logger }),
    requireScope('api:read'),
    (req, res) => {
      counters.apiHandler += 1;
      res.json({ client_id: req.boundToken!.claims.client_id, thumbprint: req.boundToken!.certificate?.thumbprint });
    });
  app.use((_req, res) => { res.status(404).json({ error: 'not_found' }); });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    counters,
    reset() {
      Object.assign(counters, { passedCertificateMiddleware: 0, tokenRequests: 0, tokensIssued: 0, apiHandler: 0, thumbprints: [], otherPaths: [], logs: [] });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The servers the hostile suite runs through. */
export type HostileKind = Extract<ServerKind, 'nginx' | 'apache' | 'haproxy' | 'caddy'>;
/** How the app reads each server's template: its format, or its preset. */
export const HOSTILE_FORMAT = { nginx: 'nginx', apache: 'apache', haproxy: { preset: 'haproxy' }, caddy: { preset: 'caddy' } } as const;

export interface HostileStack {
  kind: HostileKind;
  /** The web server's TLS port (the plain host's, and the alias's unless it has its own). */
  port: number;
  /** The port of the mTLS alias: HAProxy gives it a listener of its own. */
  mtlsPort: number;
  /** The port serving `host`. */
  portFor(host: string): number;
  app: HostileApp;
  server: RunningServer;
  stop(): Promise<void>;
}

/** The shipped authorization-server template, rendered standalone, in front of a fresh app. */
export async function startHostileStack(kind: HostileKind): Promise<HostileStack> {
  const app = await startHostileApp(HOSTILE_FORMAT[kind], '127.0.0.1');
  const port = await freePort();
  const mtlsPort = kind === 'haproxy' ? await freePort() : port;
  const files = serverFiles(kind);
  const config = renderTemplate(kind, {
    serverName: PLAIN_HOST, mtlsServerName: MTLS_HOST, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${app.port}`,
    certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'), ...files.values,
    ...(kind === 'haproxy' ? { mtlsListen: `127.0.0.1:${mtlsPort}` } : {}),
  }, { standalone: true });
  // nginx started as root runs its workers as `nobody`, which must reach temp/client_body to buffer
  // a body over client_body_buffer_size: a 0700 prefix makes every such request a 500 from nginx.
  const prefix = mkdtempSync(join(tmpdir(), `mtls-pop-hostile-${kind}-`));
  chmodSync(prefix, 0o755);
  let server: RunningServer;
  try {
    server = await startServer(kind, { config, port, prefix });
  } catch (error) {
    await app.close();
    rmSync(prefix, { recursive: true, force: true });
    files.remove();
    throw error;
  }
  return {
    kind, port, mtlsPort, app, server,
    portFor: (host) => (host === MTLS_HOST ? mtlsPort : port),
    stop: async () => {
      await server.stop();
      await app.close();
      rmSync(prefix, { recursive: true, force: true });
      files.remove();
    },
  };
}
