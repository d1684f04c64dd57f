import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { MemoryRevocationStore, RedisRevocationStore, type RevocationStore } from '../../src/issuer/index.js';
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
  it('keeps at most maxEntries revocations', async () => {
    const store = new MemoryRevocationStore({ maxEntries: 2 });
    for (const jti of ['1', '2', '3']) await store.revoke(jti, seconds() + 60);
    expect(await store.isRevoked('1')).toBe(false);
    expect(await store.isRevoked('3')).toBe(true);
  });
});
