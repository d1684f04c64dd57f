import { requireCertificateBoundToken, type CertificateBoundTokenOptions } from '../../src/resource/index.js';
import { resolveOptions, DEFAULT_ALGORITHMS, DEFAULTS } from '../../src/resource/options.js';
import { AUDIENCE, ISSUER, recordingLogger } from './helpers.js';

const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k' }] };
const base = { jwks, issuer: ISSUER, audience: AUDIENCE, logger: recordingLogger() } satisfies CertificateBoundTokenOptions;

describe('requireCertificateBoundToken options', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({ algorithms: [...DEFAULT_ALGORITHMS], clockTolerance: 5, typ: 'at+jwt', binding: 'required', cacheSize: 10_000, realm: undefined });
    expect(DEFAULTS).toMatchObject({ clockTolerance: 5, typ: 'at+jwt', binding: 'required', cacheSize: 10_000, jwksCooldownMs: 30_000, jwksMaxAgeMs: 600_000 });
    expect(resolveOptions({ ...base, jwks: undefined, jwksUri: 'https://as.example.com/jwks' }).source).toMatchObject({ kind: 'jwksUri', cooldownMs: 30_000, maxAgeMs: 600_000 });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a misspelled key', { ...base, audiance: AUDIENCE }, /unknown option "audiance"\. Did you mean audience\?/],
    ['a misspelled cache size', { ...base, cachesize: 5 }, /Did you mean cacheSize\?/],
    ['an unrelated key', { ...base, zzzzzzzzzzzz: 1 }, /unknown option "zzzzzzzzzzzz"\.$/],
    ['no verification source', { ...base, jwks: undefined }, /exactly one of jwks, jwksUri, introspection \(got none\)/],
    ['two verification sources', { ...base, jwksUri: 'https://as.example.com/jwks' }, /got jwks, jwksUri/],
    ['no issuer for JWTs', { ...base, issuer: undefined }, /issuer is required/],
    ['no audience', { ...base, audience: undefined }, /audience is required/],
    ['a realm that cannot go into a header (non-ASCII)', { ...base, realm: 'Payments API \u2713' }, /realm must be printable ASCII/],
    ['a realm with a line break', { ...base, realm: 'api\r\nX-Injected: 1' }, /realm must be printable ASCII/],
    ['an empty audience list', { ...base, audience: [] }, /audience is required/],
    ['alg none', { ...base, algorithms: ['none'] }, /"none" is not allowed/],
    ['HS256', { ...base, algorithms: ['ES256', 'HS256'] }, /"HS256" is not allowed/],
    ['an empty algorithm list', { ...base, algorithms: [] }, /non-empty/],
    ['a symmetric key in jwks', { ...base, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /symmetric/],
    ['a private key in jwks', { ...base, jwks: { keys: [{ ...jwks.keys[0], d: 'x' }] } }, /public keys only/],
    ['an empty jwks', { ...base, jwks: { keys: [] } }, /at least one key/],
    ['an http jwksUri off loopback', { ...base, jwks: undefined, jwksUri: 'http://as.example.com/jwks' }, /https URL/],
    ['a jwksUri that is not a URL', { ...base, jwks: undefined, jwksUri: 'not a url' }, /not a URL/],
    ['a cooldown without jwksUri', { ...base, jwksCooldownMs: 10 }, /only with jwksUri/],
    ['a negative clock tolerance', { ...base, clockTolerance: -1 }, /clockTolerance/],
    ['an unknown binding policy', { ...base, binding: 'optional' }, /binding must be/],
    ['a zero cache size', { ...base, cacheSize: 0 }, /cacheSize must be a positive integer/],
    ['introspection without client authentication', { ...base, jwks: undefined, introspection: { endpoint: 'https://as.example.com/introspect' } }, /needs client authentication/],
    ['a misspelled introspection key', { ...base, jwks: undefined, introspection: { endpoint: 'https://as.example.com/i', clientId: 'a', clientSecret: 'b', clientSecrett: 'c' } }, /Did you mean clientSecret\?/],
    ['a secret without client id', { ...base, jwks: undefined, introspection: { endpoint: 'https://as.example.com/i', clientSecret: 'b' } }, /needs introspection.clientId/],
  ])('throws TypeError for %s', (_name, options, message) => {
    expect(() => requireCertificateBoundToken(options as unknown as CertificateBoundTokenOptions)).toThrow(TypeError);
    expect(() => requireCertificateBoundToken(options as unknown as CertificateBoundTokenOptions)).toThrow(message);
  });

  it('accepts introspection without an issuer', () => {
    expect(() => requireCertificateBoundToken({ audience: AUDIENCE, introspection: { endpoint: 'http://127.0.0.1:1/introspect', clientId: 'api', clientSecret: 's' }, logger: recordingLogger() })).not.toThrow();
  });
});

describe('docs/protecting-an-api.md', () => {
  it('documents every option with the default the code applies', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'protecting-an-api.md'), 'utf8');
    const defaultOf = (option: string) => new RegExp(`^\\| \`${option}\` \\| ([^|]+) \\|`, 'm').exec(text)?.[1]?.trim();
    const literal = (value: unknown) => `\`${typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? `[${value.map((v) => `'${v}'`).join(', ')}]` : String(value)}\``;
    expect(defaultOf('algorithms')).toBe(literal(DEFAULT_ALGORITHMS));
    for (const option of ['clockTolerance', 'typ', 'binding', 'cacheSize', 'jwksCooldownMs', 'jwksMaxAgeMs'] as const) {
      expect([option, defaultOf(option)]).toEqual([option, literal(DEFAULTS[option])]);
    }
    for (const option of ['jwks', 'jwksUri', 'jwksDispatcher', 'introspection', 'issuer', 'audience', 'realm', 'logger']) expect(defaultOf(option)).toBeDefined();
  });
});
