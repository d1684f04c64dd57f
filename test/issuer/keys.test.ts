import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { KeyStore } from '../../src/issuer/index.js';

const directory = mkdtempSync(join(tmpdir(), 'mtls-pop-keys-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const now = () => Math.floor(Date.now() / 1000);

describe('KeyStore', () => {
  it.each(['ES256', 'EdDSA', 'PS256', 'RS256'] as const)('generates %s keys whose tokens verify against the public JWKS', async (algorithm) => {
    const keys = await KeyStore.generate({ algorithm });
    const token = await new SignJWT({}).setProtectedHeader({ alg: keys.active.alg, kid: keys.active.kid }).sign(keys.active.privateKey);
    await expect(jwtVerify(token, createLocalJWKSet(keys.publicJwks()))).resolves.toBeDefined();
    expect(keys.active.alg).toBe(algorithm);
  });

  it('persists generated keys (mode 0600) and reuses them on the next start', async () => {
    const file = join(directory, 'generated.json');
    const first = await KeyStore.generate({ file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await KeyStore.generate({ file });
    expect(second.active.kid).toBe(first.active.kid);
    expect(JSON.parse(readFileSync(file, 'utf8')).keys[0].d).toEqual(expect.any(String));
  });

  it('rotates: the new key signs, the old one stays published for retainSeconds, then disappears', async () => {
    const keys = await KeyStore.generate({ retainSeconds: 3600 });
    const old = keys.active.kid;
    const fresh = await keys.rotate();
    expect(keys.active.kid).toBe(fresh.kid);
    expect(keys.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([fresh.kid, old]);
    expect(keys.verificationKey(old)).toBeDefined();
    expect(keys.publicJwks(now() + 3601).keys.map((jwk) => jwk.kid)).toEqual([fresh.kid]);
    expect(keys.verificationKey(old, now() + 3601)).toBeUndefined();
  });

  it('lets a second instance pick up a rotation from the shared file with reload()', async () => {
    const file = join(directory, 'shared.json');
    const a = await KeyStore.generate({ file });
    const b = await KeyStore.fromFile(file);
    await a.rotate();
    expect(b.active.kid).not.toBe(a.active.kid);
    await b.reload();
    expect(b.active.kid).toBe(a.active.kid);
    expect(b.publicJwks().keys).toHaveLength(2);
  });

  it('rotate({ activateAfterSeconds }) publishes the new key first and switches signing at the stated time', async () => {
    const keys = await KeyStore.generate({ retainSeconds: 3600 });
    const old = keys.active.kid;
    const fresh = await keys.rotate({ activateAfterSeconds: 30 });
    const at = now();
    expect(keys.active.kid).toBe(old);
    expect(keys.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([fresh.kid, old]);
    const statuses = (when: number) => keys.describeKeys(when).map((key) => [key.kid, key.status]);
    expect(statuses(at)).toEqual([[fresh.kid, 'next'], [old, 'active']]);
    expect(statuses(at + 30)).toEqual([[fresh.kid, 'active'], [old, 'retiring']]);
    expect(statuses(at + 30 + 3600)).toEqual([[fresh.kid, 'active'], [old, 'retired']]);
    expect(keys.describeKeys(at).find((key) => key.kid === old)).toEqual({ kid: old, alg: 'ES256', status: 'active', activatesAt: undefined, retiredAt: at + 30, publishedUntil: at + 30 + 3600 });
    expect(JSON.stringify(keys.describeKeys())).not.toMatch(/"d"|privateKey/);
  });

  it('publicJwks() is frozen and the same object until the published keys change', async () => {
    const keys = await KeyStore.generate();
    const first = keys.publicJwks();
    expect(keys.publicJwks()).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.keys) && Object.isFrozen(first.keys[0])).toBe(true);
    await keys.rotate();
    expect(keys.publicJwks()).not.toBe(first);
    expect(keys.publicJwks().keys).toHaveLength(2);
  });

  it('counts changes in version and tells onChange listeners until they unsubscribe', async () => {
    const keys = await KeyStore.generate();
    const seen: number[] = [];
    const off = keys.onChange((store) => seen.push(store.version));
    await keys.rotate('EdDSA');
    off();
    await keys.rotate();
    expect(seen).toEqual([1]);
    expect(keys.version).toBe(2);
  });

  it('rotate() re-reads the file first, so it never undoes a rotation another holder wrote', async () => {
    const file = join(directory, 'rotate-twice.json');
    const a = await KeyStore.generate({ file });
    const b = await KeyStore.fromFile(file);
    const first = await a.rotate();
    const second = await b.rotate();
    expect((await KeyStore.fromFile(file)).publicJwks().keys.map((jwk) => jwk.kid)).toEqual([second.kid, first.kid, expect.any(String)]);
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['JSON null', 'null', /must be a JWKS/],
    ['a bad retired_at', JSON.stringify({ keys: [{ kty: 'EC', d: 'x', kid: 'a', alg: 'ES256', retired_at: 'soon' }] }), /retired_at must be a NumericDate/],
    ['no keys', '{"keys":[]}', /JWKS/],
    ['a public key only', JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a', alg: 'ES256' }] }), /private part/],
    ['an unsupported alg', JSON.stringify({ keys: [{ kty: 'oct', k: 'AAAA', d: 'x', kid: 'a', alg: 'HS256' }] }), /alg must be one of/],
    ['no kid', JSON.stringify({ keys: [{ kty: 'EC', d: 'x', alg: 'ES256' }] }), /kid is required/],
  ])('refuses a key file with %s (TypeError at start-up)', async (_name, text, message) => {
    const file = join(directory, `bad-${Math.random()}.json`);
    writeFileSync(file, text);
    await expect(KeyStore.fromFile(file)).rejects.toThrow(message);
  });

  it('refuses unknown options with a hint', async () => {
    await expect(KeyStore.generate({ algorithim: 'ES256' } as never)).rejects.toThrow(/unknown option "algorithim"; did you mean "algorithm"/);
  });
});

describe('KeyStore shared by several processes (one key file)', () => {
  it('lets instances that start at once on a fresh folder agree on one key: the first file wins', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const file = join(directory, `race-${trial}.json`);
      const stores = await Promise.all([0, 1, 2].map(() => KeyStore.generate({ file })));
      const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { keys: { kid: string }[] };
      expect(onDisk.keys).toHaveLength(1);
      for (const store of stores) expect(store.active.kid).toBe(onDisk.keys[0]!.kid);
    }
  });

  it('never loses a key when two rotations run at once (lock file, and in-process ordering)', async () => {
    const file = join(directory, 'concurrent-rotate.json');
    await KeyStore.generate({ file });
    const a = await KeyStore.fromFile(file);
    const b = await KeyStore.fromFile(file);
    const [first, second] = await Promise.all([a.rotate(), b.rotate()]);
    const [third, fourth] = await Promise.all([a.rotate(), a.rotate()]);
    const kids = (JSON.parse(readFileSync(file, 'utf8')) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    for (const key of [first, second, third, fourth]) expect(kids).toContain(key.kid);
    expect(readdirSync(directory).filter((name) => name.endsWith('.lock') || name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the mode of a key file it rotates', async () => {
    const file = join(directory, 'mode.json');
    const store = await KeyStore.generate({ file });
    chmodSync(file, 0o640);
    await store.rotate();
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('names the file when a key entry is not an object', async () => {
    const file = join(directory, 'null-entry.json');
    writeFileSync(file, '{"keys":[null]}');
    await expect(KeyStore.fromFile(file)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} keys\\[0\\]: each key must be a JWK object`));
  });
});
