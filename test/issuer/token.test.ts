import { describe, expect, it, beforeAll } from '@jest/globals';
import type { Express } from 'express';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { basic, buildApp, certificateOf, ISSUER, RESOURCE, sampleClients, SECRETS, type memoryLogger } from './helpers.js';
import type { KeyStore } from '../../src/issuer/index.js';

let app: Express;
let keys: KeyStore;
let logger: ReturnType<typeof memoryLogger>;

beforeAll(async () => {
  ({ app, keys, logger } = await buildApp({
    clients: [...sampleClients, { client_id: 'no-client-credentials', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client-ec.example.com', grant_types: ['authorization_code'] }],
  }));
});

const post = (form: Record<string, string | string[]>, certificate?: string, authorization?: string) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
  let call = request(app).post('/token').type('form');
  if (certificate) call = call.set('x-test-certificate', certificate);
  if (authorization) call = call.set('Authorization', authorization);
  return call.send(body.toString());
};

async function claimsOf(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.publicJwks()), { issuer: ISSUER, typ: 'at+jwt' });
  return { payload, protectedHeader };
}

describe('POST /token (RFC 6749 section 4.4, RFC 8705)', () => {
  describe('when a tls_client_auth or self_signed_tls_client_auth client presents its certificate', () => {
    it.each([
      ['client-ec-dns', 'client-ec-chain', 'client-ec'],
      ['client-ec-uri', 'client-ec-chain', 'client-ec'],
      ['client-ec-ip', 'client-ec-chain', 'client-ec'],
      ['client-ec-email', 'client-ec-chain', 'client-ec'],
      ['client-ec-dn', 'client-ec-chain', 'client-ec'],
      ['client-rsa-ip6', 'client-rsa-chain', 'client-rsa'],
      ['client-ed25519-email', 'client-ed25519-chain', 'client-ed25519'],
      ['client-p384-dns', 'client-ec-p384-chain', 'client-ec-p384'],
      ['client-self-signed', 'client-self-signed', 'client-self-signed'],
    ])('issues %s an RFC 9068 token bound to the certificate', async (clientId, certificate, leaf) => {
      const response = await post({ grant_type: 'client_credentials', client_id: clientId, resource: RESOURCE }, certificate);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.pragma).toBe('no-cache');
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: expect.any(String) });
      const { payload, protectedHeader } = await claimsOf(response.body.access_token);
      expect(protectedHeader).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: keys.active.kid });
      expect(payload).toMatchObject({ iss: ISSUER, sub: clientId, client_id: clientId, aud: RESOURCE, scope: response.body.scope });
      expect(payload.exp! - payload.iat!).toBe(600);
      expect(typeof payload.jti).toBe('string');
      expect(payload.cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath(`${leaf}.pem`)) });
    });
  });

  describe('when a secret client registered for bound tokens (tls_client_certificate_bound_access_tokens)', () => {
    const auth = basic('client-secret-bound', SECRETS['client-secret-bound']);
    it('binds its token to the certificate it presents', async () => {
      const response = await post({ grant_type: 'client_credentials', resource: RESOURCE }, 'client-rsa-chain', auth);
      expect(response.status).toBe(200);
      expect((await claimsOf(response.body.access_token)).payload.cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath('client-rsa.pem')) });
    });
    it('refuses it without a certificate', async () => {
      const response = await post({ grant_type: 'client_credentials', resource: RESOURCE }, undefined, auth);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.error_description).toMatch(/certificate/);
    });
  });

  it('issues an unbound token to a client_secret_post client that is not registered for binding', async () => {
    const response = await post({ grant_type: 'client_credentials', client_id: 'client-secret-post', client_secret: SECRETS['client-secret-post'], resource: RESOURCE });
    expect(response.status).toBe(200);
    const { payload } = await claimsOf(response.body.access_token);
    expect(payload.cnf).toBeUndefined();
    expect(payload.scope).toBe('reports:read');
  });

  describe('scope and resource (RFC 6749 section 3.3, RFC 8707)', () => {
    const form = (extra: Record<string, string | string[]>) => ({ grant_type: 'client_credentials', client_id: 'client-ec-dns', ...extra });
    it('grants a requested subset of the allowed scopes', async () => {
      const response = await post(form({ scope: 'payments:read', resource: RESOURCE }), 'client-ec-chain');
      expect(response.body.scope).toBe('payments:read');
      expect((await claimsOf(response.body.access_token)).payload.scope).toBe('payments:read');
    });
    it('puts several resources into aud as an array', async () => {
      const response = await post(form({ resource: [RESOURCE, 'https://payments.example.com/'] }), 'client-ec-chain');
      expect((await claimsOf(response.body.access_token)).payload.aud).toEqual([RESOURCE, 'https://payments.example.com/']);
    });
    it('uses defaultResource when no resource is named', async () => {
      const { app: other, keys: otherKeys } = await buildApp({ defaultResource: RESOURCE });
      const response = await request(other).post('/token').type('form').set('x-test-certificate', 'client-ec-chain')
        .send('grant_type=client_credentials&client_id=client-ec-uri');
      expect(response.status).toBe(200);
      expect((await jwtVerify(response.body.access_token, createLocalJWKSet(otherKeys.publicJwks()))).payload.aud).toBe(RESOURCE);
    });
    it.each([
      ['a scope the client may not use', 'client-ec-dns', { scope: 'payments:read admin', resource: RESOURCE }, 'invalid_scope'],
      ['a malformed scope', 'client-ec-dns', { scope: 'payments:read "quoted"', resource: RESOURCE }, 'invalid_scope'],
      ['a resource with a fragment', 'client-ec-dns', { resource: 'https://api.localhost/#x' }, 'invalid_target'],
      ['a relative resource', 'client-ec-dns', { resource: '/api' }, 'invalid_target'],
      ['a resource outside allowed_resources', 'client-ec-dns', { resource: 'https://evil.example/' }, 'invalid_target'],
      ['no resource, several allowed and no default', 'client-ec-dns', {}, 'invalid_target'],
      ['no resource and no default', 'client-ec-uri', {}, 'invalid_target'],
    ])('refuses %s with 400 %s', async (_name, clientId, extra, error) => {
      const response = await post({ grant_type: 'client_credentials', client_id: clientId, ...extra }, 'client-ec-chain');
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
    });
  });

  describe('refusals (RFC 6749 section 5.2), one log line each, never the secret', () => {
    const wrongBasic = basic('client-secret-bound', 'wrong-secret-0123456789');
    it.each([
      ['no client at all', { grant_type: 'client_credentials' }, undefined, undefined, 401, 'invalid_client'],
      ['an unknown client', { grant_type: 'client_credentials', client_id: 'nobody' }, 'client-ec-chain', undefined, 401, 'invalid_client'],
      ['a tls_client_auth client without a certificate', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, undefined, undefined, 401, 'invalid_client'],
      ['a certificate with another subject', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, 'client-rsa-chain', undefined, 401, 'invalid_client'],
      ['the right SAN from an unrelated CA', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, 'client-unrelated', undefined, 401, 'invalid_client'],
      ['an expired certificate', { grant_type: 'client_credentials', client_id: 'client-expired' }, 'client-expired-chain', undefined, 401, 'invalid_client'],
      ['a leaf whose intermediate nobody supplied', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, 'client-ec', undefined, 401, 'invalid_client'],
      ['a self-signed client with another certificate', { grant_type: 'client_credentials', client_id: 'client-self-signed' }, 'client-ec-chain', undefined, 401, 'invalid_client'],
      ['a self-signed certificate for a tls_client_auth client', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, 'client-self-signed', undefined, 401, 'invalid_client'],
      ['a wrong Basic secret', { grant_type: 'client_credentials' }, 'client-ec-chain', wrongBasic, 401, 'invalid_client'],
      ['a secret_basic client using the body', { grant_type: 'client_credentials', client_id: 'client-secret-bound', client_secret: SECRETS['client-secret-bound'] }, 'client-ec-chain', undefined, 401, 'invalid_client'],
      ['a secret_post client using Basic', { grant_type: 'client_credentials' }, undefined, basic('client-secret-post', SECRETS['client-secret-post']), 401, 'invalid_client'],
      ['a certificate client sending Basic', { grant_type: 'client_credentials' }, 'client-ec-chain', basic('client-ec-dns', 'x'), 401, 'invalid_client'],
      ['a wrong post secret', { grant_type: 'client_credentials', client_id: 'client-secret-post', client_secret: 'nope' }, undefined, undefined, 401, 'invalid_client'],
      ['Basic and client_secret together', { grant_type: 'client_credentials', client_secret: 'x' }, undefined, wrongBasic, 400, 'invalid_request'],
      ['Basic and another body client_id', { grant_type: 'client_credentials', client_id: 'client-ec-dns' }, undefined, wrongBasic, 400, 'invalid_request'],
      ['malformed Basic credentials', { grant_type: 'client_credentials' }, undefined, 'Basic bm9jb2xvbg==', 400, 'invalid_request'],
      ['no grant_type', { client_id: 'client-ec-dns' }, 'client-ec-chain', undefined, 400, 'invalid_request'],
      ['grant_type twice', { grant_type: ['client_credentials', 'client_credentials'], client_id: 'client-ec-dns' }, 'client-ec-chain', undefined, 400, 'invalid_request'],
      ['client_id twice', { grant_type: 'client_credentials', client_id: ['client-ec-dns', 'client-ec-uri'] }, 'client-ec-chain', undefined, 400, 'invalid_request'],
      ['another grant type', { grant_type: 'authorization_code', client_id: 'client-ec-dns', code: 'x' }, 'client-ec-chain', undefined, 400, 'unsupported_grant_type'],
      ['a client not registered for client_credentials', { grant_type: 'client_credentials', client_id: 'no-client-credentials', resource: RESOURCE }, 'client-ec-chain', undefined, 400, 'unauthorized_client'],
    ] as const)('%s -> %i %s', async (_name, form, certificate, authorization, status, error) => {
      const before = logger.lines.length;
      const response = await post(form as Record<string, string | string[]>, certificate, authorization);
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ error, error_description: expect.any(String) });
      // One public answer for every authentication failure: it does not tell which clients exist
      // or how each authenticates; the reason is in the log line.
      if (error === 'invalid_client') expect(response.body.error_description).toBe('client authentication failed');
      expect(response.headers['cache-control']).toBe('no-store');
      const lines = logger.lines.slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.object).toMatchObject({ event: 'issuer_refused', endpoint: 'token', error });
      const serialised = JSON.stringify(lines);
      for (const secret of [...Object.values(SECRETS), 'wrong-secret-0123456789']) expect(serialised).not.toContain(secret);
      if (authorization?.startsWith('Basic') && status === 401) expect(response.headers['www-authenticate']).toMatch(/^Basic realm="https:\/\/as\.localhost", error="invalid_client"/);
      else expect(response.headers['www-authenticate']).toBeUndefined();
    });

    it('logs the client id and the reason for a certificate refusal', async () => {
      const before = logger.lines.length;
      await post({ grant_type: 'client_credentials', client_id: 'client-ec-dns' }, 'client-unrelated');
      expect(logger.lines.slice(before)[0]!.object).toMatchObject({ client_id: 'client-ec-dns', reason: expect.stringContaining('ERR_CHAIN_UNTRUSTED') });
    });

    it.each([
      ['JSON', 'application/json', JSON.stringify({ grant_type: 'client_credentials' }), 400],
      ['text', 'text/plain', 'grant_type=client_credentials', 400],
      ['a body over maxBodyBytes', 'application/x-www-form-urlencoded', 'grant_type=client_credentials&x=' + 'a'.repeat(9000), 413],
      ['too many parameters', 'application/x-www-form-urlencoded', Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&'), 413],
      ['no body', undefined, undefined, 400],
    ])('refuses %s with invalid_request and no stack trace', async (_name, type, body, status) => {
      let call = request(app).post('/token').set('x-test-certificate', 'client-ec-chain');
      if (type) call = call.set('Content-Type', type);
      const response = await (body === undefined ? call : call.send(body));
      expect(response.status).toBe(status);
      expect(response.body.error).toBe('invalid_request');
      expect(response.text).not.toMatch(/at .*\.(ts|js):\d+/);
    });

    it.each([
      ['bracketed names', 'grant_type=client_credentials&client_id[a]=client-ec-dns'],
      ['prototype keys', '__proto__=x&constructor=y&grant_type=client_credentials&client_id=nobody'],
      ['bad percent-encoding', 'grant_type=client_credentials&client_id=%E0%A4%A'],
      ['a NUL in a value', 'grant_type=client_credentials&client_id=client-ec-dns%00'],
      ['a huge scope list', `grant_type=client_credentials&client_id=client-ec-dns&scope=${'a%20'.repeat(1500)}`],
    ])('answers odd bodies (%s) with a 4xx OAuth error, never a 500', async (_name, body) => {
      const response = await request(app).post('/token').type('form').set('x-test-certificate', 'client-ec-chain').send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.error).toEqual(expect.any(String));
    });

    it('answers GET /token with 405 and Allow: POST', async () => {
      const response = await request(app).get('/token');
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST');
    });
  });

  it('signs with the active key after a rotation and keeps the old key verifiable', async () => {
    const { app: rotating, keys: rotatingKeys } = await buildApp();
    const first = await request(rotating).post('/token').type('form').set('x-test-certificate', 'client-ec-chain').send(`grant_type=client_credentials&client_id=client-ec-dns&resource=${encodeURIComponent(RESOURCE)}`);
    const oldKid = rotatingKeys.active.kid;
    await rotatingKeys.rotate();
    const second = await request(rotating).post('/token').type('form').set('x-test-certificate', 'client-ec-chain').send(`grant_type=client_credentials&client_id=client-ec-dns&resource=${encodeURIComponent(RESOURCE)}`);
    expect(decodeProtectedHeader(first.body.access_token).kid).toBe(oldKid);
    expect(decodeProtectedHeader(second.body.access_token).kid).toBe(rotatingKeys.active.kid);
    expect(rotatingKeys.active.kid).not.toBe(oldKid);
    const jwks = (await request(rotating).get('/jwks')).body;
    for (const token of [first.body.access_token, second.body.access_token]) await expect(jwtVerify(token, createLocalJWKSet(jwks))).resolves.toBeDefined();
  });

  it('reads the certificate only from req.clientCertificate (a forged header alone is nothing)', async () => {
    const response = await request(app).post('/token').type('form').set('x-ssl-client-cert', encodeURIComponent(readPki('client-ec.pem')))
      .send('grant_type=client_credentials&client_id=client-ec-dns&resource=' + encodeURIComponent(RESOURCE));
    expect(response.status).toBe(401);
    expect(certificateOf('client-ec').thumbprint).toBe(opensslThumbprint(pkiPath('client-ec.pem')));
  });
});
