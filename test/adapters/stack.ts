/**
 * The stack a user of the adapters runs, for real: nginx rendered from our template terminates
 * TLS and forwards the certificate; one Express app behind it runs our clientCertificate
 * middleware, node-oidc-provider 9 (features.mTLS fed by oidcProviderMtls) and an API protected by
 * Auth0's express-oauth2-jwt-bearer (fed by auth0GetCertificate).
 */
import 'reflect-metadata';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { createPublicKey } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { auth0GetCertificate } from '../../src/adapters/auth0.js';
import { oidcProviderMtls, type OidcProviderMtlsOptions } from '../../src/adapters/oidc-provider.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { renderTemplate } from '../../src/templates/index.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';
import { freePort, startNginx, type RunningServer } from '../helpers/servers.js';
import { recordingLogger } from './logger.js';

export const MTLS_HOST = 'mtls.as.localhost';
export const AUDIENCE = 'https://api.example.com';
export const SCOPE = 'payments:read';

// oidc-provider ships no type declarations and is an optional peer dependency: load it by name.
export type ProviderInstance = { callback(): (req: unknown, res: unknown) => void };
const providerModule = 'oidc-provider';
const { default: Provider } = (await import(providerModule)) as { default: new (issuer: string, configuration: object) => ProviderInstance };

/** The self-signed client's registered key: its public JWK with the certificate in x5c (RFC 8705 section 2.2). */
function selfSignedJwks(): { keys: JWK[] } {
  const pem = readPki('client-self-signed.pem');
  const jwk = createPublicKey(pem).export({ format: 'jwk' }) as JWK;
  return { keys: [{ ...jwk, use: 'sig', x5c: [pemToDer(pem).toString('base64')] }] };
}

const certificateClient = (clientId: string, extra: object) => ({
  client_id: clientId, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: SCOPE,
  tls_client_certificate_bound_access_tokens: true, ...extra,
});

/**
 * A minimal in-memory storage adapter that also serves the self-signed client. Under jest, a
 * statically configured client with `jwks` fails oidc-provider's plain-object check (its
 * structuredClone returns objects of another realm than the VM the test runs in), so that client
 * is stored here, as a deployment storing clients in a database would.
 */
class StorageAdapter {
  static readonly clients = new Map<string, object>([
    ['client-self-signed', certificateClient('client-self-signed', { token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: selfSignedJwks() })],
  ]);
  readonly #items = new Map<string, Record<string, unknown>>();
  constructor(private readonly model: string) {}
  async upsert(id: string, payload: Record<string, unknown>) { this.#items.set(id, payload); }
  async find(id: string) { return this.model === 'Client' ? StorageAdapter.clients.get(id) : this.#items.get(id); }
  async findByUid(uid: string) { return [...this.#items.values()].find((item) => item.uid === uid); }
  async findByUserCode(code: string) { return [...this.#items.values()].find((item) => item.userCode === code); }
  async consume(id: string) { const item = this.#items.get(id); if (item) item.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id: string) { this.#items.delete(id); }
  async revokeByGrantId(grantId: string) { for (const [id, item] of this.#items) if (item.grantId === grantId) this.#items.delete(id); }
}

/** node-oidc-provider with the mTLS feature, the adapter in `features.mTLS`, JWT access tokens for AUDIENCE. */
export function provider(issuer: string, keys: JWK[], adapter: OidcProviderMtlsOptions): ProviderInstance {
  return new Provider(issuer, {
    jwks: { keys },
    // The only signing key is ES256 (oidc-provider's default for ID tokens is RS256).
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    clients: [
      certificateClient('client-ec', { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client-ec.example.com' }),
      // The same subject written differently (case, spaces): matched as a DN, not as a string.
      certificateClient('client-dn', { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'cn=CLIENT-EC, ou=payments,  o=example corp,C=US' }),
    ],
    adapter: StorageAdapter,
    scopes: [SCOPE],
    clientAuthMethods: ['tls_client_auth', 'self_signed_tls_client_auth'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      mTLS: { enabled: true, certificateBoundAccessTokens: true, tlsClientAuth: true, selfSignedTlsClientAuth: true, ...oidcProviderMtls(adapter) },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== AUDIENCE) throw new Error('unknown resource');
          return { scope: SCOPE, audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  });
}

/** The provider's ES256 signing key (private JWK set) and its public JWK. */
export async function signingKeys(): Promise<{ keys: JWK[]; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    keys: [{ ...(await exportJWK(privateKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }],
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'es-1', alg: 'ES256' },
  };
}

/** Auth0's errors as JSON with their status and challenge, instead of Express's HTML page. */
const jsonErrors: ErrorRequestHandler = (error: { status?: number; code?: string; headers?: Record<string, string> }, _req, res, _next) => {
  res.status(error.status ?? 500).set(error.headers ?? {}).json({ error: error.code ?? 'server_error' });
};

function app(middleware: ClientCertificateOptions, providers: Readonly<Record<string, ProviderInstance>>, issuer: string, publicJwk: JWK): Express {
  const application = express();
  application.use(clientCertificate(middleware));
  application.get('/api/payments',
    auth({ issuer, audience: AUDIENCE, publicKey: publicJwk, tokenSigningAlg: 'ES256', strict: true, getCertificate: auth0GetCertificate, mtls: { required: true } }),
    (req, res) => { res.json({ client: req.auth!.payload.client_id }); });
  for (const [prefix, instance] of Object.entries(providers)) application.use(prefix, instance.callback() as express.RequestHandler);
  application.use(jsonErrors);
  return application;
}

async function listen(handler: Express): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

export interface Stack {
  nginx: RunningServer;
  nginxPort: number;
  /** The app nginx proxies to (`untrusted: 'reject'`, the default). */
  appPort: number;
  /** The same providers and API behind `untrusted: 'ignore'`. */
  ignoringAppPort: number;
  /** Issuer of the provider whose certificateAuthorized validates the chain. */
  chainIssuer: string;
  /** Issuer of the provider whose certificateAuthorized believes nginx's verify result. */
  proxyIssuer: string;
  logger: ReturnType<typeof recordingLogger>;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const nginxPort = await freePort();
  const origin = `https://${MTLS_HOST}:${nginxPort}`;
  const chainIssuer = `${origin}/chain`;
  const proxyIssuer = `${origin}/proxy`;
  const { keys, publicJwk } = await signingKeys();
  const logger = recordingLogger();
  const providers = {
    '/chain': provider(chainIssuer, keys, { trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem'), logger }),
    '/proxy': provider(proxyIssuer, keys, { verification: 'proxy', logger }),
  };
  // nginx connects to the app from 127.0.0.1: that address, and only it, is the trusted proxy.
  const middleware: ClientCertificateOptions = { trustedProxies: '127.0.0.1', verifyHeader: 'x-ssl-client-verify', logger };
  const main = await listen(app(middleware, providers, chainIssuer, publicJwk));
  const ignoring = await listen(app({ ...middleware, untrusted: 'ignore' }, providers, chainIssuer, publicJwk));
  const config = renderTemplate('nginx', {
    serverName: 'as.localhost', mtlsServerName: MTLS_HOST, listen: `127.0.0.1:${nginxPort}`, upstream: `127.0.0.1:${main.port}`,
    certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'),
  }, { standalone: true });
  const closeApps = async () => {
    for (const { server } of [main, ignoring]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };
  let nginx: RunningServer;
  try {
    nginx = await startNginx({ config, port: nginxPort });
  } catch (error) {
    await closeApps();
    throw error;
  }
  return {
    nginx, nginxPort, appPort: main.port, ignoringAppPort: ignoring.port, chainIssuer, proxyIssuer, logger,
    stop: async () => { await nginx.stop(); await closeApps(); },
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface Call {
  method?: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Fixture name of the client certificate and key (`client-ec` -> client-ec.pem / client-ec.key). */
  certificate?: string;
}

export function send(request: typeof httpRequest, options: object, call: Call): Promise<Answer> {
  const body = call.form ? new URLSearchParams(call.form).toString() : undefined;
  const headers = { ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}), ...call.headers };
  return new Promise((resolve, reject) => {
    const outgoing = request({ ...options, method: call.method ?? (body ? 'POST' : 'GET'), path: call.path, headers, agent: false, timeout: 10000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A request through nginx's mTLS host over real TLS, with a real client certificate when given. */
export function throughNginx(stack: Stack, call: Call): Promise<Answer> {
  const identity = call.certificate ? { cert: readPki(`${call.certificate}.pem`), key: readPki(`${call.certificate}.key`) } : {};
  return send(httpsRequest as typeof httpRequest, {
    host: '127.0.0.1', port: stack.nginxPort, servername: MTLS_HOST, ca: readPki('ca-bundle.pem'), ...identity,
  }, { ...call, headers: { host: MTLS_HOST, ...call.headers } });
}

/** A plain HTTP request straight to the app's port, from 127.0.0.2: a peer that is not the proxy. */
export function straightToApp(port: number, call: Call): Promise<Answer> {
  return send(httpRequest, { host: '127.0.0.1', port, localAddress: '127.0.0.2' }, { ...call, headers: { host: MTLS_HOST, ...call.headers } });
}

/** The header nginx would send for `fixture`, as a client forges it. */
export const forgedCertificateHeader = (fixture: string): Record<string, string> =>
  ({ 'x-ssl-client-cert': encodeURIComponent(readPki(`${fixture}.pem`)), 'x-ssl-client-verify': 'SUCCESS' });

/** The claims and header of a JWT, decoded without verification (the API side verifies). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header: header!, payload: payload! };
}
