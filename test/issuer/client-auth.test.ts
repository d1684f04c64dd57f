/**
 * Client authentication details a mutation run found untested: RFC 6749 section 2.3.1 form-encoding
 * of Basic credentials, and the registry checks that keep a weak or ambiguous registration out.
 */
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ClientRegistry } from '../../src/issuer/index.js';
import { basic, buildApp, RESOURCE } from './helpers.js';

// Characters that form-encoding changes: ':' separates id and secret, '%' and '+' are escapes.
const SECRET = 'p@ss:w%rd+with spaces&=0123456789';
const CLIENT_ID = 'client: one+two%';

describe('client_secret_basic credentials (RFC 6749 section 2.3.1)', () => {
  const form = `grant_type=client_credentials&resource=${encodeURIComponent(RESOURCE)}`;
  const target = () => buildApp({ clients: [{ client_id: CLIENT_ID, token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, scope: 'x' }], defaultResource: RESOURCE });

  it('form-decodes the id and the secret before comparing (":", "%", "+" and spaces included)', async () => {
    const { app } = await target();
    const response = await request(app).post('/token').type('form').set('Authorization', basic(CLIENT_ID, SECRET)).send(form);
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('reads "+" in a Basic secret as a space, as form-encoding says', async () => {
    const { app } = await target();
    const plus = 'Basic ' + Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(SECRET).replace(/%20/g, '+')}`).toString('base64');
    expect((await request(app).post('/token').type('form').set('Authorization', plus).send(form)).status).toBe(200);
  });

  it('refuses the raw, not form-encoded, secret when it differs from its encoding', async () => {
    const { app } = await target();
    const raw = 'Basic ' + Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${SECRET.replace(/%/g, '%25').replace(/\+/g, '%2B')}x`).toString('base64');
    expect((await request(app).post('/token').type('form').set('Authorization', raw).send(form)).status).toBe(401);
  });
});

describe('ClientRegistry: registrations refused at start-up (TypeError)', () => {
  it.each([
    ['a client_secret shorter than 16 characters', { client_id: 'c', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'short-secret' }, /client_secret must be a string of at least 16 characters/],
    ['a client_secret_sha256 that is not 32 bytes', { client_id: 'c', token_endpoint_auth_method: 'client_secret_basic', client_secret_sha256: Buffer.alloc(16).toString('base64url') }, /client_secret_sha256 must be the base64url SHA-256/],
    ['two expected subjects for tls_client_auth (RFC 8705 section 2.1.2: exactly one)', { client_id: 'c', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a.example.com', tls_client_auth_subject_dn: 'CN=a' }, /exactly one of .* \(found 2\)/],
    ['no expected subject for tls_client_auth', { client_id: 'c', token_endpoint_auth_method: 'tls_client_auth' }, /exactly one of .* \(found 0\)/],
  ])('%s', (_name, entry, message) => {
    expect(() => new ClientRegistry([entry])).toThrow(TypeError);
    expect(() => new ClientRegistry([entry])).toThrow(message);
  });

  it('binds the tokens of certificate clients by default (RFC 8705 section 3.4), not those of secret clients', () => {
    const registry = new ClientRegistry([
      { client_id: 'cert', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a.example.com' },
      { client_id: 'secret', token_endpoint_auth_method: 'client_secret_post', client_secret: '0123456789abcdef0123' },
    ]);
    expect([registry.get('cert')!.boundTokens, registry.get('secret')!.boundTokens]).toEqual([true, false]);
  });
});
