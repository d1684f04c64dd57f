import type { Redis } from 'ioredis';

/**
 * Where revoked token ids live until the token would have expired anyway (RFC 7009 section 2).
 * The only state of the authorization server besides keys and the client registry: share one
 * Redis between instances and a revocation on one is seen by all.
 */
export interface RevocationStore {
  /** Marks `jti` revoked until `expiresAt` (seconds since the epoch, the token's `exp`). */
  revoke(jti: string, expiresAt: number): Promise<void>;
  /** Whether `jti` was revoked (and has not yet expired). */
  isRevoked(jti: string): Promise<boolean>;
}

/** Revocations in this process's memory: fine for one instance, lost on restart. */
export class MemoryRevocationStore implements RevocationStore {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /** @param options.maxEntries most live revocations kept (default 100000; beyond it the oldest go first). */
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? (() => Date.now() / 1000);
  }

  async revoke(jti: string, expiresAt: number): Promise<void> {
    const now = this.#now();
    if (expiresAt <= now) return;
    if (this.#entries.size >= this.#maxEntries) {
      for (const [key, until] of this.#entries) if (until <= now) this.#entries.delete(key);
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(jti, expiresAt);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const until = this.#entries.get(jti);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#entries.delete(jti);
    return false;
  }
}

/** Revocations in Redis (ioredis), one key per `jti` that expires with the token. */
export class RedisRevocationStore implements RevocationStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** @param options.prefix key prefix, default `mtls-pop:revoked:` */
  constructor(redis: Redis, options: { prefix?: string } = {}) {
    if (!redis || typeof redis.set !== 'function') throw new TypeError('RedisRevocationStore needs an ioredis client');
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'mtls-pop:revoked:';
  }

  async revoke(jti: string, expiresAt: number): Promise<void> {
    const milliseconds = Math.ceil(expiresAt * 1000 - Date.now());
    if (milliseconds <= 0) return;
    await this.#redis.set(this.#prefix + jti, '1', 'PX', milliseconds);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.#redis.exists(this.#prefix + jti)) === 1;
  }
}
