import 'reflect-metadata';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { Agent } from 'undici';
import { authorizationServer, KeyStore } from '../../src/issuer/index.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { requireCertificateBoundToken, requireScope, type CertificateBoundTokenOptions } from '../../src/resource/index.js';
import { readPki } from '../helpers/fixtures.js';
import { recordingLogger } from './helpers.js';

// End to end over real TLS: our token endpoint issues, our resource middleware checks.
const AUDIENCE = 'https://api.example.com';
const agentFor = (name: string) => new Agent({ connect: { key: readPki(`${name}.key`), cert: readPki(`${name}.pem`), ca: readPki('ca-bundle.pem') } });
const agents = { ec: agentFor('client-ec'), rsa: agentFor('client-rsa'), none: new Agent({ connect: { ca: readPki('ca-bundle.pem') } }) };
const logger = recordingLogger();
let server: Server;
let origin: string;

beforeAll(async () => {
  let app: Express | undefined;
  server = createHttpsServer({ key: readPki('server.key'), cert: readPki('server.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false }, (req, res) => app!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;

  app = express();
  app.use(clientCertificate({ source: 'tls', logger }));
  app.use(authorizationServer({
    issuer: origin,
    keys: await KeyStore.generate(),
    clients: [
      { client_id: 'client-ec', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=client-ec,OU=Payments,O=Example Corp,C=US', tls_client_certificate_bound_access_tokens: true, scope: 'payments:read', grant_types: ['client_credentials'] },
      { client_id: 'api', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'api-secret-0123456789', grant_types: ['client_credentials'] },
    ],
    trustAnchors: readPki('root-ca.pem'),
    intermediates: readPki('intermediate-ca.pem'),
    defaultResource: AUDIENCE,
    logger,
  }));
  const guarded = (options: Partial<CertificateBoundTokenOptions>) => [requireCertificateBoundToken({ audience: AUDIENCE, logger, ...options } as CertificateBoundTokenOptions), requireScope('payments:read'),
    (req: express.Request, res: express.Response) => { res.json({ client: req.boundToken!.claims.client_id, scopes: req.boundToken!.scopes }); }];
  app.get('/jwt/payments', ...guarded({ jwksUri: `${origin}/jwks`, jwksDispatcher: agents.none, issuer: origin }));
  app.get('/introspected/payments', ...guarded({ introspection: { endpoint: `${origin}/introspect`, clientId: 'api', clientSecret: 'api-secret-0123456789', dispatcher: agents.none }, issuer: origin }));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(Object.values(agents).map((agent) => agent.close()));
});

async function obtainToken(dispatcher: Agent): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-ec', scope: 'payments:read', resource: AUDIENCE });
  const response = await fetch(`${origin}/token`, { method: 'POST', body, dispatcher } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function callApi(path: string, token: string, dispatcher: Agent) {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` }, dispatcher } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('tokens from our own token endpoint, over real TLS', () => {
  let token: string;
  beforeAll(async () => {
    const answer = await obtainToken(agents.ec);
    if (answer.status !== 200) throw new Error(`token endpoint answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    token = answer.body.access_token as string;
  });

  describe.each([['/jwt/payments'], ['/introspected/payments']])('checked at %s', (path) => {
    it('validate with the certificate the token is bound to', async () => {
      expect(await callApi(path, token, agents.ec)).toEqual({ status: 200, body: { client: 'client-ec', scopes: ['payments:read'] } });
    });

    it.each([['another certificate', 'rsa', 'ERR_CERTIFICATE_MISMATCH'], ['no certificate', 'none', 'ERR_CERTIFICATE_ABSENT']] as const)('are refused with %s', async (_name, agent, code) => {
      const answer = await callApi(path, token, agents[agent]);
      expect([answer.status, answer.body.error]).toEqual([401, 'invalid_token']);
      expect(logger.lines.at(-1)!.object.reason).toBe(code);
    });
  });
});
