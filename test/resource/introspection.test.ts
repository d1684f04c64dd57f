import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent } from 'undici';
import { requireCertificateBoundToken } from '../../src/resource/index.js';
import { readPki } from '../helpers/fixtures.js';
import { AUDIENCE, bearer, certificate, close, listen, protectedApp, recordingLogger, send, withCertificate } from './helpers.js';

const clientEc = certificate('client-ec');
const answers = new Map<string, Record<string, unknown>>();
let calls = 0;
const servers: Server[] = [];
let httpUrl: string;
let httpsUrl: string;
const agent = new Agent({ connect: { key: readPki('client-ec.key'), cert: readPki('client-ec.pem'), ca: readPki('ca-bundle.pem') } });

function introspect(authorised: (req: IncomingMessage, form: URLSearchParams) => boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      calls++;
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !authorised(req, form)) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      res.end(JSON.stringify(answers.get(form.get('token') ?? '') ?? { active: false }));
    });
  };
}

beforeAll(async () => {
  const http = createHttpServer(introspect((req) => req.headers.authorization === `Basic ${Buffer.from('api:s3cret%2F').toString('base64')}`));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/introspect`;
  // tls_client_auth for the resource server itself: the certificate comes from the TLS socket.
  const https = createHttpsServer({ key: readPki('server.key'), cert: readPki('server.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: true },
    introspect((req, form) => (req.socket as TLSSocket).getPeerCertificate().subject?.CN === 'client-ec' && form.get('client_id') === 'api'));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://localhost:${(https.address() as AddressInfo).port}/introspect`;
  servers.push(http, https as unknown as Server);
});
afterAll(async () => {
  for (const s of servers) await close(s);
  await agent.close();
});

const epoch = () => Math.floor(Date.now() / 1000);
const active = (claims: Record<string, unknown> = {}) => ({ active: true, client_id: 'client-ec', aud: AUDIENCE, scope: 'payments:read', exp: epoch() + 300, cnf: { 'x5t#S256': clientEc.thumbprint }, ...claims });

async function app(introspection: Record<string, unknown>, clockTolerance = 5) {
  const logger = recordingLogger();
  const guard = requireCertificateBoundToken({ introspection: introspection as never, audience: AUDIENCE, issuer: 'https://as.example.com', clockTolerance, logger });
  const { server, url } = await listen(protectedApp(withCertificate(clientEc), guard));
  servers.push(server);
  return { url, logger };
}
const basicAuth = () => ({ endpoint: httpUrl, clientId: 'api', clientSecret: 's3cret/' });

describe('requireCertificateBoundToken({ introspection })', () => {
  beforeEach(() => {
    calls = 0;
  });

  it('accepts an active bound token and caches the answer', async () => {
    answers.set('opaque-1', active());
    const { url } = await app(basicAuth());
    for (let i = 0; i < 3; i++) {
      const answer = await send(url, { headers: bearer('opaque-1') });
      expect([answer.status, answer.body.scopes]).toEqual([200, ['payments:read']]);
    }
    expect(calls).toBe(1);
  });

  // A failed verification is never cached; a valid answer is, and its binding is checked per request.
  it.each<[string, Record<string, unknown>, string, number]>([
    ['an inactive token', { active: false }, 'ERR_TOKEN_INACTIVE', 2],
    ['active as a string', active({ active: 'true' }), 'ERR_TOKEN_INACTIVE', 2],
    ['a cnf of another certificate (RFC 8705 section 3.2)', active({ cnf: { 'x5t#S256': certificate('client-rsa').thumbprint } }), 'ERR_CERTIFICATE_MISMATCH', 1],
    ['no cnf', active({ cnf: undefined }), 'ERR_BINDING_ABSENT', 2],
    ['another audience', active({ aud: 'https://other.example.com' }), 'ERR_TOKEN_AUDIENCE', 2],
    ['no audience', active({ aud: undefined }), 'ERR_TOKEN_AUDIENCE', 2],
    ['another issuer', active({ iss: 'https://evil.example.com' }), 'ERR_TOKEN_ISSUER', 2],
    ['an issuer that only starts with ours', active({ iss: 'https://as.example.com.evil.example' }), 'ERR_TOKEN_ISSUER', 2],
    ['an audience that only starts with ours', active({ aud: `${AUDIENCE}.evil.example` }), 'ERR_TOKEN_AUDIENCE', 2],
    ['an audience list of look-alikes', active({ aud: [`${AUDIENCE}/`, `${AUDIENCE}x`] }), 'ERR_TOKEN_AUDIENCE', 2],
    ['an exp that is not a number (RFC 7662 section 2.2: NumericDate)', active({ exp: String(epoch() + 300) }), 'ERR_TOKEN_EXPIRED', 2],
    ['an expired answer', active({ exp: epoch() - 60 }), 'ERR_TOKEN_EXPIRED', 2],
    // RFC 7662 section 2.2: nbf is "not to be used before"; beyond the 5 s clock tolerance.
    ['an answer not yet valid (nbf)', active({ nbf: epoch() + 60 }), 'ERR_TOKEN_NOT_YET_VALID', 2],
    ['an nbf that is not a number', active({ nbf: 'soon' }), 'ERR_TOKEN_NOT_YET_VALID', 2],
  ])('refuses %s with 401 invalid_token twice (%s, introspection calls: %s)', async (_name, answer, code, expectedCalls) => {
    answers.set('opaque-bad', answer);
    const { url, logger } = await app(basicAuth());
    for (let i = 0; i < 2; i++) {
      const response = await send(url, { headers: bearer('opaque-bad') });
      expect([response.status, response.body.error]).toEqual([401, 'invalid_token']);
    }
    expect(logger.lines.map((line) => line.object.reason)).toEqual([code, code]);
    expect(calls).toBe(expectedCalls);
  });

  it('accepts an answer whose nbf is within the clock tolerance', async () => {
    answers.set('opaque-nbf', active({ nbf: epoch() + 2 }));
    const { url } = await app(basicAuth());
    expect((await send(url, { headers: bearer('opaque-nbf') })).status).toBe(200);
  });

  it('asks again once the cached answer reaches exp', async () => {
    const exp = epoch() + 3; // whole seconds: +1 may be a few ms away, and a loaded machine misses it
    answers.set('opaque-short', active({ exp }));
    const { url, logger } = await app(basicAuth(), 0);
    expect((await send(url, { headers: bearer('opaque-short') })).status).toBe(200);
    expect((await send(url, { headers: bearer('opaque-short') })).status).toBe(200);
    expect(calls).toBe(1);
    answers.set('opaque-short', { active: false });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    expect((await send(url, { headers: bearer('opaque-short') })).status).toBe(401);
    expect(calls).toBe(2);
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_TOKEN_INACTIVE');
  });

  it('authenticates with a client certificate through an undici dispatcher (tls_client_auth)', async () => {
    answers.set('opaque-tls', active());
    const { url } = await app({ endpoint: httpsUrl, clientId: 'api', dispatcher: agent });
    expect((await send(url, { headers: bearer('opaque-tls') })).status).toBe(200);
    expect(calls).toBe(1);
  });

  it('answers 503 when the introspection endpoint refuses this resource server', async () => {
    answers.set('opaque-1', active());
    const { url, logger } = await app({ endpoint: httpUrl, clientId: 'api', clientSecret: 'wrong' });
    const answer = await send(url, { headers: bearer('opaque-1') });
    expect([answer.status, answer.body.error]).toEqual([503, 'server_error']);
    expect(logger.lines[0]!.object.detail).toBe('introspection answered 401');
  });
});
