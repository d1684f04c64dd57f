import { jest } from '@jest/globals';
import type { Server } from 'node:http';
import { requireCertificateBoundToken, requireScope } from '../../src/resource/index.js';
import type { BearerRefusalCode } from '../../src/resource/index.js';
import { AUDIENCE, ISSUER, bearer, certificate, close, issueToken, listen, protectedApp, recordingLogger, send, signingKey, withCertificate, type SigningKey } from './helpers.js';

const clientEc = certificate('client-ec');
const clientRsa = certificate('client-rsa');
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The thumbprint with one character replaced, still a canonical base64url SHA-256 (the last character carries 4 bits). */
const alteredAt = (thumbprint: string, index: number): string => {
  const pool = index === 42 ? 'AEIMQUYcgkosw048' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const replacement = [...pool].find((character) => character !== thumbprint[index])!;
  return thumbprint.slice(0, index) + replacement + thumbprint.slice(index + 1);
};

let key: SigningKey;
let impostor: SigningKey;
let server: Server;
let url: string;
let noCertUrl: string;
let otherCertUrl: string;
let ifPresentUrl: string;
const servers: Server[] = [];
const logger = recordingLogger();

beforeAll(async () => {
  key = await signingKey('k1');
  impostor = await signingKey('k1');
  const options = { jwks: { keys: [key.publicJwk] }, issuer: ISSUER, audience: AUDIENCE, realm: 'payments', logger };
  const guard = requireCertificateBoundToken(options);
  ({ server, url } = await listen(protectedApp(withCertificate(clientEc), guard, requireScope('payments:read'))));
  const noCert = await listen(protectedApp(withCertificate(undefined), guard));
  const otherCert = await listen(protectedApp(withCertificate(clientRsa), guard));
  const ifPresent = await listen(protectedApp(withCertificate(undefined), requireCertificateBoundToken({ ...options, binding: 'ifPresent' })));
  servers.push(server, noCert.server, otherCert.server, ifPresent.server);
  [noCertUrl, otherCertUrl, ifPresentUrl] = [noCert.url, otherCert.url, ifPresent.url];
});
afterAll(async () => {
  for (const s of servers) await close(s);
});
beforeEach(() => {
  logger.lines.length = 0;
});

describe('requireCertificateBoundToken(options)', () => {
  describe('with a valid token bound to the presented certificate', () => {
    it('calls the route with req.boundToken', async () => {
      const answer = await send(url, { headers: bearer(await issueToken(key)) });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ scopes: ['payments:read', 'payments:write'], client: 'client-ec', certificate: clientEc.thumbprint });
      expect(logger.lines).toHaveLength(0);
    });

    it.each([['at+jwt'], ['application/at+jwt'], ['AT+JWT']])('accepts typ %s (RFC 9068 section 4)', async (typ) => {
      expect((await send(url, { headers: bearer(await issueToken(key, {}, { typ })) })).status).toBe(200);
    });

    it('accepts the scheme name in any case (RFC 6750 section 2.1)', async () => {
      expect((await send(url, { headers: { authorization: `bEaReR ${await issueToken(key)}` } })).status).toBe(200);
    });
  });

  describe('refuses each bad token with 401 invalid_token', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string>, BearerRefusalCode, string?][] = [
      ['a token signed by another key with the same kid', () => issueToken(impostor), 'ERR_TOKEN_SIGNATURE'],
      ['alg none', async () => `${b64url({ alg: 'none', typ: 'at+jwt' })}.${(await issueToken(key)).split('.')[1]}.`, 'ERR_TOKEN_ALGORITHM'],
      ['HS256 keyed with the public key (algorithm confusion)', async () => {
        const { SignJWT } = await import('jose');
        const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
        const payload = JSON.parse(Buffer.from((await issueToken(key)).split('.')[1]!, 'base64url').toString());
        return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' }).sign(secret);
      }, 'ERR_TOKEN_ALGORITHM'],
      ['an unknown kid', () => issueToken(key, {}, { kid: 'unknown' }), 'ERR_TOKEN_KEY_UNKNOWN'],
      ['an expired token', () => issueToken(key, { exp: now() - 60 }), 'ERR_TOKEN_EXPIRED'],
      ['a token without exp', () => issueToken(key, { exp: undefined }), 'ERR_TOKEN_CLAIMS'],
      ['a token not yet valid', () => issueToken(key, { nbf: now() + 60 }), 'ERR_TOKEN_NOT_YET_VALID'],
      ['another issuer', () => issueToken(key, { iss: 'https://evil.example.com' }), 'ERR_TOKEN_ISSUER'],
      ['another audience', () => issueToken(key, { aud: 'https://other.example.com' }), 'ERR_TOKEN_AUDIENCE'],
      ['typ JWT (an ID token, say)', () => issueToken(key, {}, { typ: 'JWT' }), 'ERR_TOKEN_TYPE'],
      ['no typ', () => issueToken(key, {}, { typ: undefined }), 'ERR_TOKEN_TYPE'],
      ['no cnf', () => issueToken(key, { cnf: undefined }), 'ERR_BINDING_ABSENT'],
      ['cnf without x5t#S256 (a DPoP jkt)', () => issueToken(key, { cnf: { jkt: clientEc.thumbprint } }), 'ERR_BINDING_ABSENT'],
      ['cnf bound to another certificate', () => issueToken(key, { cnf: { 'x5t#S256': clientRsa.thumbprint } }), 'ERR_CERTIFICATE_MISMATCH'],
      ['cnf with the hex thumbprint', () => issueToken(key, { cnf: { 'x5t#S256': Buffer.from(clientEc.thumbprint, 'base64url').toString('hex') } }), 'ERR_BINDING_MALFORMED'],
      ['cnf differing from the certificate in the last character only', () => issueToken(key, { cnf: { 'x5t#S256': alteredAt(clientEc.thumbprint, 42) } }), 'ERR_CERTIFICATE_MISMATCH'],
      ['cnf differing from the certificate in the middle character only', () => issueToken(key, { cnf: { 'x5t#S256': alteredAt(clientEc.thumbprint, 21) } }), 'ERR_CERTIFICATE_MISMATCH'],
      ['cnf differing from the certificate in the first character only', () => issueToken(key, { cnf: { 'x5t#S256': alteredAt(clientEc.thumbprint, 0) } }), 'ERR_CERTIFICATE_MISMATCH'],
      ['cnf with the upper-cased thumbprint', () => issueToken(key, { cnf: { 'x5t#S256': clientEc.thumbprint.toUpperCase() } }), 'ERR_CERTIFICATE_MISMATCH'],
      ['cnf with the padded thumbprint', () => issueToken(key, { cnf: { 'x5t#S256': `${clientEc.thumbprint}=` } }), 'ERR_BINDING_MALFORMED'],
      ['cnf with the standard-base64 thumbprint', () => issueToken(key, { cnf: { 'x5t#S256': Buffer.from(clientEc.thumbprint, 'base64url').toString('base64') } }), 'ERR_BINDING_MALFORMED'],
      ['cnf a string', () => issueToken(key, { cnf: clientEc.thumbprint }), 'ERR_BINDING_MALFORMED'],
      ['cnf an array', () => issueToken(key, { cnf: [{ 'x5t#S256': clientEc.thumbprint }] }), 'ERR_BINDING_MALFORMED'],
      ['cnf null', () => issueToken(key, { cnf: null }), 'ERR_BINDING_MALFORMED'],
      ['x5t#S256 a number', () => issueToken(key, { cnf: { 'x5t#S256': 42 } }), 'ERR_BINDING_MALFORMED'],
      ['a token that is not a JWT', async () => 'abc.def', 'ERR_TOKEN_MALFORMED'],
    ];

    it.each(cases)('%s', async (_name, make, code) => {
      const token = await make();
      const answer = await send(url, { headers: bearer(token) });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_token');
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="payments", error="invalid_token", error_description="[^"]+"$/);
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]!.object.reason).toBe(code);
      expect(JSON.stringify(logger.lines)).not.toContain(token.split('.')[2] || token);
    });
  });

  describe('the certificate of the request', () => {
    it('refuses a bound token on a request without a certificate', async () => {
      const answer = await send(noCertUrl, { headers: bearer(await issueToken(key)) });
      expect([answer.status, answer.body.error, logger.lines[0]!.object.reason]).toEqual([401, 'invalid_token', 'ERR_CERTIFICATE_ABSENT']);
    });

    it('refuses a bound token on a request with another certificate', async () => {
      const answer = await send(otherCertUrl, { headers: bearer(await issueToken(key)) });
      expect([answer.status, answer.body.error, logger.lines[0]!.object.reason]).toEqual([401, 'invalid_token', 'ERR_CERTIFICATE_MISMATCH']);
      expect(logger.lines[0]!.object.clientId).toBe('client-ec');
      expect(logger.lines[0]!.object.certificate).toBe(clientRsa.thumbprint);
    });

    it('checks the binding on every request, also when the token is cached', async () => {
      const token = await issueToken(key);
      expect((await send(url, { headers: bearer(token) })).status).toBe(200);
      expect((await send(otherCertUrl, { headers: bearer(token) })).status).toBe(401);
      expect((await send(noCertUrl, { headers: bearer(token) })).status).toBe(401);
      expect((await send(url, { headers: bearer(token) })).status).toBe(200);
    });

    it('checks exp on every request, also when the token is cached', async () => {
      const token = await issueToken(key, { exp: Math.floor(Date.now() / 1000) + 60 });
      expect((await send(url, { headers: bearer(token) })).status).toBe(200);
      const later = Date.now() + 120_000;
      const spy = jest.spyOn(Date, 'now').mockImplementation(() => later);
      try {
        const answer = await send(url, { headers: bearer(token) });
        expect([answer.status, logger.lines[0]?.object.reason]).toEqual([401, 'ERR_TOKEN_EXPIRED']);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe("with binding: 'ifPresent'", () => {
    it('accepts a token without cnf and no certificate', async () => {
      const answer = await send(ifPresentUrl, { headers: bearer(await issueToken(key, { cnf: undefined })) });
      expect(answer.status).toBe(200);
      expect(answer.body.certificate).toBeUndefined();
    });

    it.each([
      ['a bound token without a certificate', { cnf: { 'x5t#S256': clientEc.thumbprint } }, 'ERR_CERTIFICATE_ABSENT'],
      ['a malformed cnf', { cnf: 'x' }, 'ERR_BINDING_MALFORMED'],
      ['a token bound by another method', { cnf: { jkt: 'x' } }, 'ERR_BINDING_UNSUPPORTED'],
    ])('still refuses %s', async (_name, claims, code) => {
      const answer = await send(ifPresentUrl, { headers: bearer(await issueToken(key, claims)) });
      expect([answer.status, logger.lines[0]!.object.reason]).toEqual([401, code]);
    });
  });

  describe('where the token comes from (RFC 6750 section 2)', () => {
    it('leaves a JSON field named access_token to the API', async () => {
      const answer = await send(url, { method: 'POST', headers: { ...bearer(await issueToken(key)), 'content-type': 'application/json' }, body: '{"access_token":"x"}' });
      expect(answer.status).toBe(200);
    });

    it('answers 401 without an error attribute when no token is sent', async () => {
      const answer = await send(url);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="payments"');
      expect(answer.body.error).toBeUndefined();
      expect(logger.lines.map((line) => line.object.reason)).toEqual(['ERR_TOKEN_ABSENT']);
    });

    it('answers another scheme like no token at all', async () => {
      const answer = await send(url, { headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' } });
      expect([answer.status, answer.headers['www-authenticate']]).toEqual([401, 'Bearer realm="payments"']);
    });

    const token = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln';
    it.each([
      ['a token in the query string', { path: `/resource?access_token=${token}` }, 'ERR_TOKEN_IN_QUERY'],
      ['a token in a form body', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${token}` }, 'ERR_TOKEN_IN_BODY'],
      ['a token in the header and the query string', { path: `/resource?access_token=${token}`, headers: bearer(token) }, 'ERR_TOKEN_METHODS_MULTIPLE'],
      ['two Authorization headers', { headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } }, 'ERR_AUTHORIZATION_REPEATED'],
      ['Bearer without a token', { headers: { authorization: 'Bearer' } }, 'ERR_AUTHORIZATION_MALFORMED'],
      ['Bearer with two tokens', { headers: { authorization: `Bearer ${token} ${token}` } }, 'ERR_AUTHORIZATION_MALFORMED'],
      ['a token outside the b64token syntax', { headers: { authorization: 'Bearer a,b' } }, 'ERR_AUTHORIZATION_MALFORMED'],
      ['padding in the middle of the token', { headers: { authorization: 'Bearer ab=c' } }, 'ERR_AUTHORIZATION_MALFORMED'],
    ])('answers 400 invalid_request to %s', async (_name, request, code) => {
      const answer = await send(url, request as never);
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="payments", error="invalid_request"/);
      expect(logger.lines.map((line) => line.object.reason)).toEqual([code]);
    });
  });
});

describe('requireScope(...scopes)', () => {
  it('answers 403 insufficient_scope naming the needed scope', async () => {
    const answer = await send(url, { headers: bearer(await issueToken(key, { scope: 'payments:write' })) });
    expect([answer.status, answer.body.error]).toEqual([403, 'insufficient_scope']);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="payments", error="insufficient_scope", error_description="the access token lacks a required scope", scope="payments:read"');
    expect(logger.lines.map((line) => [line.object.reason, line.object.clientId])).toEqual([['ERR_SCOPE_INSUFFICIENT', 'client-ec']]);
  });

  it('refuses a token without any scope', async () => {
    expect((await send(url, { headers: bearer(await issueToken(key, { scope: undefined })) })).status).toBe(403);
  });

  it('answers 500 when mounted without requireCertificateBoundToken', async () => {
    const { server: bare, url: bareUrl } = await listen(protectedApp(requireScope('a'), (_req, _res, next) => next()));
    try {
      const answer = await send(bareUrl);
      expect([answer.status, answer.body.error]).toEqual([500, 'server_error']);
    } finally {
      await close(bare);
    }
  });

  it.each([[[]], [['']], [['a b']], [['a"b']]])('throws TypeError at construction for %j', (scopes) => {
    expect(() => requireScope(...(scopes as string[]))).toThrow(TypeError);
  });
});
