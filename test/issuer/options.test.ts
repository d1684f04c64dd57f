import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { AUTHORIZATION_SERVER_DEFAULTS, OPTION_NAMES } from '../../src/issuer/options.js';
import { authorizationServer, ClientRegistry, KeyStore, type ClientMetadata } from '../../src/issuer/index.js';
import { readPki } from '../helpers/fixtures.js';
import { sampleClients } from './helpers.js';

const keys = await KeyStore.generate();
const base = { issuer: 'https://as.localhost', keys, clients: sampleClients, trustAnchors: readPki('root-ca.pem') };

describe('authorizationServer(options) validates its options once, at construction', () => {
  it.each([
    ['a misspelled option', { ...base, trustAnchor: 'x' }, /unknown option "trustAnchor"; did you mean "trustAnchors"\?/],
    ['an http issuer', { ...base, issuer: 'http://as.example' }, /https URL/],
    ['an issuer with a query', { ...base, issuer: 'https://as.example/?a=b' }, /without query or fragment/],
    ['no KeyStore', { ...base, keys: {} }, /KeyStore/],
    ['no trust anchors although a client uses tls_client_auth', { ...base, trustAnchors: undefined }, /trustAnchors is required/],
    ['a token lifetime beyond key retention', { ...base, accessTokenTtl: 90_000 }, /exceeds keys.retainSeconds/],
    ['a negative token lifetime', { ...base, accessTokenTtl: -1 }, /positive integer/],
    ['a defaultResource with a fragment', { ...base, defaultResource: 'https://api.example/#a' }, /absolute URI without fragment/],
    ['an http mtlsBaseUrl', { ...base, mtlsBaseUrl: 'http://mtls.example' }, /mtlsBaseUrl/],
  ])('throws a TypeError for %s', (_name, options, message) => {
    expect(() => authorizationServer(options as never)).toThrow(TypeError);
    expect(() => authorizationServer(options as never)).toThrow(message);
  });

  it('accepts http://localhost as a development issuer', () => {
    expect(() => authorizationServer({ ...base, issuer: 'http://localhost:3000' })).not.toThrow();
  });
});

describe('new ClientRegistry(entries) names the client and the field in every error', () => {
  const client = (fields: Partial<ClientMetadata> & Record<string, unknown>) => [{ client_id: 'c1', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a.example', ...fields }];
  it.each([
    ['two subject fields', client({ tls_client_auth_san_uri: 'spiffe://x' }), /client "c1": tls_client_auth needs exactly one of/],
    ['no subject field', client({ tls_client_auth_san_dns: undefined }), /client "c1": tls_client_auth needs exactly one of .* \(found 0\)/],
    ['a misspelled field', client({ tls_client_auth_san_dn: 'x' }), /client "c1": unknown field "tls_client_auth_san_dn"; did you mean/],
    ['a malformed subject DN', client({ tls_client_auth_san_dns: undefined, tls_client_auth_subject_dn: 'CN=a,,O=b' }), /client "c1": tls_client_auth_subject_dn/],
    ['a bad IP', client({ tls_client_auth_san_dns: undefined, tls_client_auth_san_ip: '300.1.1.1' }), /client "c1": tls_client_auth_san_ip/],
    ['an unknown method', client({ token_endpoint_auth_method: 'private_key_jwt' as never }), /client "c1": token_endpoint_auth_method must be one of/],
    ['a secret on a certificate client', client({ client_secret: 'x'.repeat(32) }), /client "c1": a client secret is not used/],
    ['a short secret', [{ client_id: 'c1', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'short' }], /client "c1": client_secret must be/],
    ['a subject field on a secret client', [{ client_id: 'c1', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'x'.repeat(32), tls_client_auth_san_dns: 'a' }], /only for token_endpoint_auth_method "tls_client_auth"/],
    ['a self-signed client without x5c', [{ client_id: 'c1', token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [{}] } }], /client "c1": jwks.keys\[0\] has no x5c/],
    ['a self-signed client with a broken x5c', [{ client_id: 'c1', token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [{ x5c: ['AAAA'] }] } }], /client "c1": jwks.keys\[0\].x5c\[0\]/],
    ['a malformed scope', client({ scope: 'a "b"' }), /client "c1": scope/],
    ['a relative allowed resource', client({ allowed_resources: ['/api'] }), /client "c1": allowed_resources/],
    ['a duplicate client_id', [...client({}), ...client({})], /client "c1" is registered twice/],
    ['no client_id', [{ token_endpoint_auth_method: 'tls_client_auth' }], /clients\[0\]: client_id/],
    ['not an array', { client: [] }, /array of clients/],
  ])('refuses %s', (_name, entries, message) => {
    expect(() => new ClientRegistry(entries)).toThrow(message);
  });

  it('names the file, line and column of a JSON syntax error in the registry, never its text (a client_secret)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mtls-pop-registry-')), 'clients.json');
    writeFileSync(file, '{"clients": [\n  {"client_id": "a", "client_secret": "s3cr3t-fragment" "token_endpoint_auth_method": "client_secret_basic"}\n]}\n');
    const error = await ClientRegistry.fromFile(file).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`client registry ${file}: not valid JSON (line 2, column 57)`);
  });

  it('loads the sample registry in fixtures/clients.json', async () => {
    const registry = await ClientRegistry.fromFile(new URL('../../fixtures/clients.json', import.meta.url).pathname);
    expect(registry.size).toBe(sampleClients.length);
    expect(registry.get('client-ec-dn')?.expectedSubject?.kind).toBe('subject_dn');
    expect(registry.get('client-secret-bound')?.boundTokens).toBe(true);
    expect(registry.get('client-secret-post')?.boundTokens).toBe(false);
    expect(registry.get('client-self-signed')?.boundTokens).toBe(true);
  });
});

describe('docs/authorization-server.md', () => {
  const docs = readFileSync(new URL('../../docs/authorization-server.md', import.meta.url), 'utf8');
  it.each(OPTION_NAMES)('documents option %s in the options table', (name) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
  it.each(Object.entries(AUTHORIZATION_SERVER_DEFAULTS))('states the default of %s (%s)', (name, value) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${name}\` \\| \`${value}\` \\|`, 'm'));
  });
});
