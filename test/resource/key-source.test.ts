import type { Server } from 'node:http';
import type { JWK } from 'jose';
import { KeyStore } from '../../src/issuer/index.js';
import { requireCertificateBoundToken } from '../../src/resource/index.js';
import { AUDIENCE, ISSUER, bearer, certificate, close, issueToken, listen, protectedApp, recordingLogger, send, signingKey, withCertificate, type SigningKey } from './helpers.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) await close(server);
});

let k1: SigningKey;
let k2: SigningKey;
beforeAll(async () => {
  [k1, k2] = await Promise.all([signingKey('k1'), signingKey('k2', 'EdDSA')]);
});

/** A key source whose set the test changes; counts how often it is read. */
function mutableSource(keys: JWK[]) {
  const source = { keys, reads: 0, publicJwks: () => { source.reads += 1; return { keys: source.keys }; } };
  return source;
}

async function app(jwks: Parameters<typeof requireCertificateBoundToken>[0]['jwks']) {
  const logger = recordingLogger();
  const guard = requireCertificateBoundToken({ jwks, issuer: ISSUER, audience: AUDIENCE, logger });
  const { server, url } = await listen(protectedApp(withCertificate(certificate('client-ec')), guard));
  servers.push(server);
  return { url, logger, call: (token: string) => send(url, { headers: bearer(token) }) };
}

const fromStore = (keys: KeyStore): SigningKey => ({ ...keys.active, publicJwk: {} });

describe('requireCertificateBoundToken({ jwks: a live key source })', () => {
  it('follows a KeyStore: tokens of a key rotated in verify at once, tokens of the retired key until it leaves the set', async () => {
    const keys = await KeyStore.generate({ retainSeconds: 3600 });
    const { call } = await app(keys);
    const before = await issueToken(fromStore(keys));
    expect((await call(before)).status).toBe(200);
    await keys.rotate();
    const after = await issueToken(fromStore(keys));
    expect([(await call(after)).status, (await call(before)).status]).toEqual([200, 200]);
  });

  it('drops the verified-token cache when the set changes, so a withdrawn key stops working at once', async () => {
    const source = mutableSource([k1.publicJwk]);
    const { call, logger } = await app(source);
    const token = await issueToken(k1);
    expect((await call(token)).status).toBe(200);
    expect((await call(token)).status).toBe(200);
    source.keys = [k2.publicJwk];
    const refused = await call(token);
    expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token']);
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_TOKEN_KEY_UNKNOWN');
    source.keys = [k2.publicJwk, k1.publicJwk];
    expect((await call(token)).status).toBe(200);
    expect((await call(await issueToken(k2))).status).toBe(200);
  });

  it('reads the source once per request and no more, however many unknown kids arrive (no refresh storm)', async () => {
    const source = mutableSource([k1.publicJwk]);
    const { call, logger } = await app(source);
    const readsAtStart = source.reads;
    const stranger = await signingKey('nobody-knows-me');
    for (let i = 0; i < 5; i++) expect((await call(await issueToken(stranger))).status).toBe(401);
    expect(source.reads - readsAtStart).toBe(5);
    expect(logger.lines.map((line) => line.object.reason)).toEqual(Array(5).fill('ERR_TOKEN_KEY_UNKNOWN'));
  });

  it.each([
    ['returns a private key', () => ({ keys: [{ ...k1.publicJwk, d: 'secret' }] }), /jwks\.publicJwks\(\) returned an unusable set: jwks must hold public keys only \(found a private key member "d"\)/],
    ['returns a symmetric key', () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 's' }] }), /symmetric/],
    ['returns no keys', () => ({ keys: [] }), /at least one key/],
    ['throws', () => { throw new Error('store closed'); }, /jwks\.publicJwks\(\) failed: store closed/],
  ])('refuses at construction a source that %s (TypeError)', (_name, publicJwks, message) => {
    expect(() => requireCertificateBoundToken({ jwks: { publicJwks } as never, issuer: ISSUER, audience: AUDIENCE })).toThrow(TypeError);
    expect(() => requireCertificateBoundToken({ jwks: { publicJwks } as never, issuer: ISSUER, audience: AUDIENCE })).toThrow(message);
  });

  it.each([
    ['returns private keys', (source: ReturnType<typeof mutableSource>) => { source.keys = [{ ...k1.publicJwk, d: 'secret' }]; }, 'private key member "d"'],
    ['returns a symmetric key', (source: ReturnType<typeof mutableSource>) => { source.keys = [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k1' }]; }, 'symmetric'],
    ['throws', (source: ReturnType<typeof mutableSource>) => { source.publicJwks = () => { throw new Error('gone'); }; }, 'gone'],
  ])('fails closed (503, one error line) while the source later %s, even for cached tokens, and recovers', async (_name, breakIt, detail) => {
    const source = mutableSource([k1.publicJwk]);
    const healthy = source.publicJwks;
    const { call, logger } = await app(source);
    const token = await issueToken(k1);
    expect((await call(token)).status).toBe(200);
    breakIt(source);
    const refused = await call(token);
    expect([refused.status, refused.body]).toEqual([503, { error: 'server_error', error_description: 'token verification is temporarily unavailable' }]);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'error', object: { reason: 'ERR_VERIFIER_UNAVAILABLE', detail: expect.stringContaining(detail) } });
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
    source.publicJwks = healthy;
    source.keys = [k1.publicJwk];
    expect((await call(token)).status).toBe(200);
  });
});
