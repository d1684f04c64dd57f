import 'reflect-metadata';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import { Agent } from 'undici';
import { ClientCertificate } from '../../src/certificate/model.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { requireCertificateBoundToken, requireScope } from '../../src/resource/index.js';
import { readPki } from '../helpers/fixtures.js';
import { recordingLogger } from './helpers.js';

// Interop: certificate-bound JWT access tokens from node-oidc-provider 9 (features.mTLS),
// obtained and used over real TLS with real client certificates.
const AUDIENCE = 'https://api.example.com';
const tls = { key: readPki('server.key'), cert: readPki('server.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false };
const agentFor = (name: string) => new Agent({ connect: { key: readPki(`${name}.key`), cert: readPki(`${name}.pem`), ca: readPki('ca-bundle.pem') } });
const agents = { ec: agentFor('client-ec'), rsa: agentFor('client-rsa'), none: new Agent({ connect: { ca: readPki('ca-bundle.pem') } }) };

let asServer: Server;
let apiServer: Server;
let issuer: string;
let api: string;
const logger = recordingLogger();

async function listenTls(handler: Parameters<typeof createHttpsServer>[1]): Promise<{ server: Server; origin: string }> {
  const server = createHttpsServer(tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `https://localhost:${(server.address() as AddressInfo).port}` };
}

// oidc-provider ships no type declarations; this test needs only its constructor and callback.
type ProviderContext = { socket: TLSSocket };
type ProviderInstance = { callback(): (req: IncomingMessage, res: ServerResponse) => void };
const providerModule = 'oidc-provider';
const { default: Provider } = (await import(providerModule)) as { default: new (issuer: string, configuration: object) => ProviderInstance };

function peerCertificate(ctx: ProviderContext) {
  return ctx.socket.getPeerX509Certificate?.();
}

beforeAll(async () => {
  const es = await generateKeyPair('ES256', { extractable: true });
  const rs = await generateKeyPair('RS256', { extractable: true });
  const keys = [{ ...(await exportJWK(es.privateKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }, { ...(await exportJWK(rs.privateKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }];

  let provider: ProviderInstance | undefined;
  const as = await listenTls((req, res) => provider!.callback()(req, res));
  asServer = as.server;
  issuer = as.origin;
  provider = new Provider(issuer, {
    jwks: { keys },
    clients: [{
      client_id: 'client-ec',
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=client-ec,OU=Payments,O=Example Corp,C=US',
      tls_client_certificate_bound_access_tokens: true,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'payments:read',
    }],
    scopes: ['payments:read'],
    clientAuthMethods: ['tls_client_auth'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: (ctx: ProviderContext) => peerCertificate(ctx),
        certificateAuthorized: (ctx: ProviderContext) => ctx.socket.authorized,
        certificateSubjectMatches: (ctx: ProviderContext, property: string, expected: string) => {
          const x509 = peerCertificate(ctx);
          return property === 'tls_client_auth_subject_dn' && x509 !== undefined && ClientCertificate.fromDer(x509.raw, [], 'tls').subject === expected;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== AUDIENCE) throw new Error('unknown resource');
          return { scope: 'payments:read', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  });

  const app = express();
  app.get('/payments', clientCertificate({ source: 'tls', logger }),
    requireCertificateBoundToken({ jwksUri: `${issuer}/jwks`, jwksDispatcher: agents.none, issuer, audience: AUDIENCE, realm: 'payments', logger }),
    requireScope('payments:read'),
    (req, res) => res.json({ client: req.boundToken!.claims.client_id, scopes: req.boundToken!.scopes }));
  const apiListening = await listenTls(app);
  apiServer = apiListening.server;
  api = apiListening.origin;
});

afterAll(async () => {
  for (const server of [asServer, apiServer]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  await Promise.all(Object.values(agents).map((agent) => agent.close()));
});

async function obtainToken(dispatcher: Agent): Promise<Response> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-ec', scope: 'payments:read', resource: AUDIENCE });
  return fetch(`${issuer}/token`, { method: 'POST', body, dispatcher } as RequestInit);
}

async function callApi(token: string, dispatcher: Agent) {
  const response = await fetch(`${api}/payments`, { headers: { authorization: `Bearer ${token}` }, dispatcher } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
}

describe('tokens issued by node-oidc-provider 9 (features.mTLS)', () => {
  let token: string;

  beforeAll(async () => {
    const response = await obtainToken(agents.ec);
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
    token = body.access_token as string;
  });

  it('issues a certificate-bound at+jwt for the client certificate of the TLS connection', () => {
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: 'es-1' });
    expect(payload).toMatchObject({ iss: issuer, aud: AUDIENCE, client_id: 'client-ec', scope: 'payments:read' });
    expect(payload.cnf['x5t#S256']).toBe(ClientCertificate.fromDer(Buffer.from(readPki('client-ec.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64')).thumbprint);
  });

  it('validates with the certificate the token is bound to', async () => {
    expect(await callApi(token, agents.ec)).toMatchObject({ status: 200, body: { client: 'client-ec', scopes: ['payments:read'] } });
  });

  it('is refused with another certificate', async () => {
    const answer = await callApi(token, agents.rsa);
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_token']);
    expect(answer.challenge).toMatch(/^Bearer realm="payments", error="invalid_token"/);
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_CERTIFICATE_MISMATCH');
  });

  it('is refused without a certificate', async () => {
    const answer = await callApi(token, agents.none);
    expect([answer.status, logger.lines.at(-1)!.object.reason]).toEqual([401, 'ERR_CERTIFICATE_ABSENT']);
  });

  it('is not issued to the same client presenting another certificate', async () => {
    expect((await obtainToken(agents.rsa)).status).toBe(401);
  });
});
