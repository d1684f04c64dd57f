import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { KeyStore, MemoryRevocationStore } from '../../src/issuer/index.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { basic, buildApp, ISSUER, RESOURCE, SECRETS } from './helpers.js';

let now = new Date();
let app: Express;
let keys: KeyStore;

beforeAll(async () => {
  ({ app, keys } = await buildApp({ clock: () => now }));
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
async function issue(clientId = 'client-ec-dns', certificate = 'client-ec-chain'): Promise<string> {
  const response = await request(app).post('/token').type('form').set('x-test-certificate', certificate)
    .send(form({ grant_type: 'client_credentials', client_id: clientId, resource: RESOURCE }));
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}
const introspect = (token: string, caller: 'mtls' | 'basic' | 'none' = 'mtls') => {
  let call = request(app).post('/introspect').type('form');
  if (caller === 'mtls') call = call.set('x-test-certificate', 'client-ed25519-chain');
  if (caller === 'basic') call = call.set('Authorization', basic('client-secret-bound', SECRETS['client-secret-bound']));
  return call.send(form(caller === 'mtls' ? { token, client_id: 'client-ed25519-email' } : { token }));
};
const revoke = (token: string, clientId = 'client-ec-dns', certificate = 'client-ec-chain') =>
  request(app).post('/revoke').type('form').set('x-test-certificate', certificate).send(form({ token, client_id: clientId }));

describe('POST /introspect (RFC 7662)', () => {
  it.each(['mtls', 'basic'] as const)('tells an authenticated caller (%s) everything about an active bound token', async (caller) => {
    const token = await issue();
    const response = await introspect(token, caller);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      active: true, client_id: 'client-ec-dns', sub: 'client-ec-dns', iss: ISSUER, aud: RESOURCE, scope: 'payments:read payments:write',
      exp: expect.any(Number), iat: expect.any(Number), jti: expect.any(String), token_type: 'Bearer',
      cnf: { 'x5t#S256': opensslThumbprint(pkiPath('client-ec.pem')) },
    });
  });

  it('refuses a caller that does not authenticate (401 invalid_client)', async () => {
    const response = await introspect(await issue(), 'none');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('requires the token parameter', async () => {
    const response = await request(app).post('/introspect').type('form').set('x-test-certificate', 'client-ed25519-chain').send('client_id=client-ed25519-email');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('says only {"active": false} for an expired token', async () => {
    const token = await issue();
    now = new Date(Date.now() + 601_000);
    try {
      expect((await introspect(token)).body).toEqual({ active: false });
    } finally {
      now = new Date();
    }
  });

  it.each([
    ['garbage', async () => 'not-a-token'],
    ['a tampered signature', async () => { const token = await issue(); return token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'); }],
    ['a token signed by a foreign key with our kid', async () => {
      const foreign = await KeyStore.generate();
      return new SignJWT({ client_id: 'client-ec-dns' }).setProtectedHeader({ alg: 'ES256', kid: keys.active.kid, typ: 'at+jwt' })
        .setIssuer(ISSUER).setSubject('client-ec-dns').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').setJti('x').sign(foreign.active.privateKey);
    }],
    ['a token of another issuer with a valid signature', async () =>
      new SignJWT({ client_id: 'client-ec-dns' }).setProtectedHeader({ alg: 'ES256', kid: keys.active.kid, typ: 'at+jwt' })
        .setIssuer('https://other.example').setSubject('client-ec-dns').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').setJti('y').sign(keys.active.privateKey)],
    ['an ID token shape (typ JWT)', async () =>
      new SignJWT({ client_id: 'client-ec-dns' }).setProtectedHeader({ alg: 'ES256', kid: keys.active.kid, typ: 'JWT' })
        .setIssuer(ISSUER).setSubject('client-ec-dns').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').setJti('z').sign(keys.active.privateKey)],
    ['an unsigned token (alg none)', async () => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'at+jwt', kid: keys.active.kid })}.${encode({ iss: ISSUER, client_id: 'client-ec-dns', jti: 'n' })}.`;
    }],
    ['a huge string', async () => 'a.b.' + 'c'.repeat(7000)],
  ])('says only {"active": false} for %s', async (_name, make) => {
    const response = await introspect(await make());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ active: false });
  });
});

describe('POST /revoke (RFC 7009)', () => {
  it('revokes the client\'s own token; introspection then says inactive', async () => {
    const token = await issue();
    expect((await introspect(token)).body.active).toBe(true);
    const response = await revoke(token);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect((await introspect(token)).body).toEqual({ active: false });
  });

  it.each([['garbage', 'garbage'], ['a well-formed but foreign JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2ln']])('answers 200 for %s (section 2.2)', async (_name, token) => {
    expect((await revoke(token)).status).toBe(200);
  });

  it('refuses to revoke another client\'s token, which stays active', async () => {
    const token = await issue('client-rsa-ip6', 'client-rsa-chain');
    const response = await revoke(token);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    expect((await introspect(token)).body.active).toBe(true);
  });

  it('refuses an unauthenticated caller and a missing token', async () => {
    const token = await issue();
    const anonymous = await request(app).post('/revoke').type('form').send(form({ token }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const missing = await request(app).post('/revoke').type('form').set('x-test-certificate', 'client-ec-chain').send('client_id=client-ec-dns');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    expect((await introspect(token)).body.active).toBe(true);
  });

  describe('when the revocation store is full of live revocations', () => {
    it('answers 503 (section 2.2.1) and never lets an earlier revoked token come back', async () => {
      const small = await buildApp({ revocations: new MemoryRevocationStore({ maxEntries: 3 }) });
      const issueOn = async () => (await request(small.app).post('/token').type('form').set('x-test-certificate', 'client-ec-chain')
        .send(form({ grant_type: 'client_credentials', client_id: 'client-ec-dns', resource: RESOURCE }))).body.access_token as string;
      const revokeOn = (token: string) => request(small.app).post('/revoke').type('form').set('x-test-certificate', 'client-ec-chain').send(form({ token, client_id: 'client-ec-dns' }));
      const introspectOn = (token: string) => request(small.app).post('/introspect').type('form').set('x-test-certificate', 'client-ed25519-chain').send(form({ token, client_id: 'client-ed25519-email' }));
      const tokens = [await issueOn(), await issueOn(), await issueOn(), await issueOn()];
      for (const token of tokens.slice(0, 3)) expect((await revokeOn(token)).status).toBe(200);
      const overflow = await revokeOn(tokens[3]!);
      expect(overflow.status).toBe(503);
      expect(overflow.body).toEqual({ error: 'server_error', error_description: 'the revocation could not be recorded; retry later' });
      for (const token of tokens.slice(0, 3)) expect((await introspectOn(token)).body).toEqual({ active: false });
      expect(small.logger.lines.some((line) => JSON.stringify(line).includes('ERR_REVOCATION_STORE_FULL') || JSON.stringify(line).includes('maxEntries'))).toBe(true);
    });
  });
});
