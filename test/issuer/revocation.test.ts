import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { MemoryRevocationStore, RedisRevocationStore, RevocationStoreFullError, type RevocationStore } from '../../src/issuer/index.js';
import { startRedis } from './redis.js';

const seconds = () => Date.now() / 1000;
let redis: Redis;
let otherInstance: Redis;
let stop: (() => void) | undefined;

beforeAll(async () => {
  const started = await startRedis(2);
  [redis, otherInstance] = started.clients as [Redis, Redis];
  stop = started.stop;
});
afterAll(() => stop?.());

describe.each([
  ['MemoryRevocationStore', () => new MemoryRevocationStore()],
  ['RedisRevocationStore', () => new RedisRevocationStore(redis, { prefix: `test:${Math.random()}:` })],
])('%s', (_name, make: () => RevocationStore) => {
  it('remembers a revoked jti until its expiry', async () => {
    const store = make();
    await store.revoke('a', seconds() + 60);
    expect(await store.isRevoked('a')).toBe(true);
    expect(await store.isRevoked('b')).toBe(false);
  });

  it('forgets a revocation once the token has expired', async () => {
    const store = make();
    await store.revoke('short', seconds() + 0.3);
    expect(await store.isRevoked('short')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await store.isRevoked('short')).toBe(false);
  });

  it('does not store an already-expired token', async () => {
    const store = make();
    await store.revoke('old', seconds() - 1);
    expect(await store.isRevoked('old')).toBe(false);
  });
});

describe('RedisRevocationStore shared by two instances', () => {
  it('shows one instance\'s revocation to the other, with a TTL on the key', async () => {
    const prefix = `shared:${Math.random()}:`;
    await new RedisRevocationStore(redis, { prefix }).revoke('jti-1', seconds() + 120);
    expect(await new RedisRevocationStore(otherInstance, { prefix }).isRevoked('jti-1')).toBe(true);
    const ttl = await otherInstance.pttl(`${prefix}jti-1`);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});

describe('MemoryRevocationStore bounds', () => {
  it('refuses a revocation past maxEntries and forgets none of the earlier ones (fail closed)', async () => {
    const store = new MemoryRevocationStore({ maxEntries: 2 });
    await store.revoke('1', seconds() + 60);
    await store.revoke('2', seconds() + 60);
    await expect(store.revoke('3', seconds() + 60)).rejects.toMatchObject({ name: 'RevocationStoreFullError', code: 'ERR_REVOCATION_STORE_FULL' });
    expect(await store.isRevoked('1')).toBe(true);
    expect(await store.isRevoked('2')).toBe(true);
    expect(await store.isRevoked('3')).toBe(false);
  });

  it('makes room as revocations expire, earliest exp first, whatever the insertion order', async () => {
    let now = 1_000;
    const store = new MemoryRevocationStore({ maxEntries: 3, now: () => now });
    await store.revoke('late', 1_300);
    await store.revoke('early', 1_100);
    await store.revoke('middle', 1_200);
    await expect(store.revoke('x', 1_500)).rejects.toBeInstanceOf(RevocationStoreFullError);
    now = 1_150;
    await store.revoke('x', 1_500);
    expect([await store.isRevoked('late'), await store.isRevoked('middle'), await store.isRevoked('x'), await store.isRevoked('early')]).toEqual([true, true, true, false]);
    await expect(store.revoke('y', 1_500)).rejects.toBeInstanceOf(RevocationStoreFullError);
    expect(store.size).toBe(3);
  });

  it('counts a jti revoked twice once, and keeps the later exp', async () => {
    let now = 1_000;
    const store = new MemoryRevocationStore({ maxEntries: 1, now: () => now });
    await store.revoke('a', 1_100);
    await store.revoke('a', 1_100);
    await store.revoke('a', 1_200);
    now = 1_150;
    expect(await store.isRevoked('a')).toBe(true);
    await expect(store.revoke('b', 1_300)).rejects.toBeInstanceOf(RevocationStoreFullError);
  });

  it('at the default size: 100,050 live revocations never bring back the first one', async () => {
    const store = new MemoryRevocationStore();
    const exp = seconds() + 600;
    let refused = 0;
    for (let i = 0; i < 100_050; i += 1) {
      try {
        await store.revoke(`jti-${i}`, exp);
      } catch (error) {
        expect(error).toBeInstanceOf(RevocationStoreFullError);
        refused += 1;
      }
    }
    expect(refused).toBe(50);
    expect(await store.isRevoked('jti-0')).toBe(true);
    expect(await store.isRevoked('jti-99999')).toBe(true);
    expect(await store.isRevoked('jti-100000')).toBe(false);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryRevocationStore({ maxEntries: 0 })).toThrow(TypeError);
  });
});
