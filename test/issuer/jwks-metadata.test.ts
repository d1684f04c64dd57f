import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { KeyStore } from '../../src/issuer/index.js';
import { buildApp, ISSUER } from './helpers.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'retired_at'];

describe('GET /jwks', () => {
  it.each(['ES256', 'EdDSA', 'PS256', 'RS256'] as const)('publishes only public members of %s keys, also after a rotation', async (algorithm) => {
    const keys = await KeyStore.generate({ algorithm });
    await keys.rotate();
    const { app } = await buildApp({ keys });
    const response = await request(app).get('/jwks');
    expect(response.status).toBe(200);
    expect(response.body.keys).toHaveLength(2);
    for (const jwk of response.body.keys) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      expect(jwk).toMatchObject({ alg: algorithm, use: 'sig', kid: expect.any(String) });
    }
  });
});

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('describes the server, its methods and the mTLS aliases (RFC 8705 section 5)', async () => {
    const { app } = await buildApp();
    const response = await request(app).get('/.well-known/oauth-authorization-server');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      introspection_endpoint: `${ISSUER}/introspect`,
      revocation_endpoint: `${ISSUER}/revoke`,
      jwks_uri: `${ISSUER}/jwks`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['tls_client_auth', 'self_signed_tls_client_auth', 'client_secret_basic', 'client_secret_post'],
      tls_client_certificate_bound_access_tokens: true,
      mtls_endpoint_aliases: {
        token_endpoint: 'https://mtls.as.localhost/token',
        introspection_endpoint: 'https://mtls.as.localhost/introspect',
        revocation_endpoint: 'https://mtls.as.localhost/revoke',
      },
    });
    expect(response.body.scopes_supported).toContain('payments:read');
  });

  it('serves an issuer with a path at the RFC 8414 section 3.1 location and under the path', async () => {
    const issuer = 'https://as.localhost/tenant-a';
    const { app } = await buildApp({ issuer });
    for (const path of ['/.well-known/oauth-authorization-server/tenant-a', '/tenant-a/.well-known/oauth-authorization-server']) {
      const response = await request(app).get(path);
      expect(response.status).toBe(200);
      expect(response.body.issuer).toBe(issuer);
      expect(response.body.token_endpoint).toBe(`${issuer}/token`);
      expect(response.body.mtls_endpoint_aliases.token_endpoint).toBe('https://mtls.as.localhost/tenant-a/token');
    }
    expect((await request(app).get('/.well-known/oauth-authorization-server')).status).toBe(404);
    const token = await request(app).post('/tenant-a/token').type('form').set('x-test-certificate', 'client-ec-chain')
      .send('grant_type=client_credentials&client_id=client-ec-dns&resource=https%3A%2F%2Fapi.localhost%2F');
    expect(token.status).toBe(200);
  });

  it('keeps the issuer exactly as configured, trailing slash included (RFC 8414 section 3.3)', async () => {
    const { app } = await buildApp({ issuer: 'https://as.localhost/' });
    const response = await request(app).get('/.well-known/oauth-authorization-server');
    expect(response.body.issuer).toBe('https://as.localhost/');
    expect(response.body.token_endpoint).toBe('https://as.localhost/token');
  });

  it('leaves mtls_endpoint_aliases out without mtlsBaseUrl', async () => {
    const { app } = await buildApp({ mtlsBaseUrl: undefined });
    expect((await request(app).get('/.well-known/oauth-authorization-server')).body).not.toHaveProperty('mtls_endpoint_aliases');
  });
});
