import 'reflect-metadata';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { authorizationServer, KeyStore, MemoryRevocationStore, RedisRevocationStore, type RevocationStore } from '../../src/issuer/index.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { requireCertificateBoundToken, type CertificateBoundTokenOptions } from '../../src/resource/index.js';
import { readPki } from '../helpers/fixtures.js';
import { startRedis } from '../issuer/redis.js';
import { recordingLogger } from './helpers.js';

// RFC 7009 section 2: a token its issuer revoked stops working at the API, whatever the API
// verifies with, when the API is given the issuer's revocation store. Real TLS, real Redis.
const AUDIENCE = 'https://api.example.com/';
const agentFor = (name: string) => new Agent({ connect: { key: readPki(`${name}.key`), cert: readPki(`${name}.pem`), ca: readPki('ca-bundle.pem') } });
const agents = { ec: agentFor('client-ec'), none: new Agent({ connect: { ca: readPki('ca-bundle.pem') } }) };
const logger = recordingLogger();
const memory = new MemoryRevocationStore();
let redisStop: (() => void) | undefined;
let issuerRedis: Redis;
let apiRedis: Redis;
let server: Server;
let origin: string;
let keys: KeyStore;
const prefix = `api-test:${process.pid}:`;

beforeAll(async () => {
  const started = await startRedis(2);
  [issuerRedis, apiRedis] = started.clients as [Redis, Redis];
  redisStop = started.stop;
  keys = await KeyStore.generate();
  let app: Express | undefined;
  server = createHttpsServer({ key: readPki('server.key'), cert: readPki('server.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false }, (req, res) => app!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  app = express();
  app.use(clientCertificate({ source: 'tls', logger }));
  const issuerAt = (path: string, revocations: RevocationStore) => authorizationServer({
    issuer: `${origin}/${path}`,
    keys,
    clients: [{ client_id: 'client-ec', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=client-ec,OU=Payments,O=Example Corp,C=US', tls_client_certificate_bound_access_tokens: true, scope: 'payments:read', grant_types: ['client_credentials'] }],
    trustAnchors: readPki('root-ca.pem'),
    intermediates: readPki('intermediate-ca.pem'),
    defaultResource: AUDIENCE,
    revocations,
    logger,
  });
  // Two issuers sharing keys: one keeps revocations in memory, one in Redis (its own client).
  app.use(issuerAt('memory', memory));
  app.use(issuerAt('redis', new RedisRevocationStore(issuerRedis, { prefix })));
  const api = (options: Partial<CertificateBoundTokenOptions>) => [requireCertificateBoundToken({ audience: AUDIENCE, issuer: `${origin}/memory`, logger, ...options } as CertificateBoundTokenOptions),
    (req: express.Request, res: express.Response) => { res.json({ client: req.boundToken!.claims.client_id }); }];
  app.get('/api/local-jwks', ...api({ jwks: keys, revocations: memory }));
  app.get('/api/jwks-uri', ...api({ jwksUri: `${origin}/memory/jwks`, jwksDispatcher: agents.none, revocations: memory }));
  // The API's own Redis connection: it sees what the issuer instance wrote.
  app.get('/api/redis', ...api({ jwksUri: `${origin}/redis/jwks`, jwksDispatcher: agents.none, issuer: `${origin}/redis`, revocations: new RedisRevocationStore(apiRedis, { prefix }) }));
  app.get('/api/no-revocations', ...api({ jwks: keys }));
  app.get('/api/broken-store', ...api({ jwks: keys, revocations: { isRevoked: async () => { throw new Error('connection refused'); } } }));
}, 30_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(Object.values(agents).map((agent) => agent.close()));
  keys?.close();
  redisStop?.();
});

async function issue(issuer: 'memory' | 'redis'): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-ec', scope: 'payments:read' });
  const response = await fetch(`${origin}/${issuer}/token`, { method: 'POST', body, dispatcher: agents.ec } as RequestInit);
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(json)}`);
  return json.access_token as string;
}

async function revoke(issuer: 'memory' | 'redis', token: string): Promise<number> {
  const body = new URLSearchParams({ token, client_id: 'client-ec' });
  return (await fetch(`${origin}/${issuer}/revoke`, { method: 'POST', body, dispatcher: agents.ec } as RequestInit)).status;
}

async function callApi(path: string, token: string) {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` }, dispatcher: agents.ec } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
}

describe('requireCertificateBoundToken({ revocations })', () => {
  it.each([
    ['a local JWKS (the KeyStore), memory store', '/api/local-jwks', 'memory'],
    ['jwksUri, memory store', '/api/jwks-uri', 'memory'],
    ['jwksUri, the issuer\'s Redis through another connection', '/api/redis', 'redis'],
  ] as const)('%s: refuses a token once its issuer revoked it, also when the verified token was cached', async (_name, path, issuer) => {
    const token = await issue(issuer);
    expect((await callApi(path, token)).status).toBe(200);
    expect((await callApi(path, token)).status).toBe(200);
    expect(await revoke(issuer, token)).toBe(200);
    const refused = await callApi(path, token);
    expect([refused.status, refused.body]).toEqual([401, { error: 'invalid_token', error_description: 'the token was revoked' }]);
    expect(refused.challenge).toContain('error="invalid_token"');
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_TOKEN_REVOKED');
    expect(JSON.stringify(logger.lines.at(-1))).not.toContain(token);
  });

  it('keeps serving other tokens of the same client', async () => {
    const revoked = await issue('memory');
    const kept = await issue('memory');
    expect(await revoke('memory', revoked)).toBe(200);
    expect((await callApi('/api/local-jwks', kept)).status).toBe(200);
  });

  it('without the option a revoked JWT stays valid until exp (what the docs say a local JWKS sees)', async () => {
    const token = await issue('memory');
    expect(await revoke('memory', token)).toBe(200);
    expect((await callApi('/api/no-revocations', token)).status).toBe(200);
  });

  it('answers 503 when the store cannot be asked, never lets the token through', async () => {
    const answer = await callApi('/api/broken-store', await issue('memory'));
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('server_error');
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_VERIFIER_UNAVAILABLE');
  });

  it('refuses a bound token without jti, whose revocation cannot be looked up', async () => {
    const certificateThumbprint = (await (await import('../../src/certificate/model.js')).ClientCertificate.fromDer(Buffer.from(readPki('client-ec.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64'))).thumbprint;
    const token = await new SignJWT({ client_id: 'client-ec', scope: 'payments:read', cnf: { 'x5t#S256': certificateThumbprint } })
      .setProtectedHeader({ alg: keys.active.alg, kid: keys.active.kid, typ: 'at+jwt' })
        .setIssuer(`${origin}/memory`).setSubject('client-ec').setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(keys.active.privateKey);
    expect((await callApi('/api/no-revocations', token)).status).toBe(200);
    const answer = await callApi('/api/local-jwks', token);
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_token']);
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_TOKEN_CLAIMS');
  });

  it('is refused at construction without isRevoked()', () => {
    expect(() => requireCertificateBoundToken({ jwks: keys, issuer: `${origin}/memory`, audience: AUDIENCE, revocations: {} as never })).toThrow(/revocations must have isRevoked\(jti\)/);
  });
});
