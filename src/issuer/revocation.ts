import type { Redis } from 'ioredis';

/**
 * Where revoked token ids live until the token would have expired anyway (RFC 7009 section 2).
 * The only state of the authorization server besides keys and the client registry: share one
 * Redis between instances and a revocation on one is seen by all.
 */
export interface RevocationStore {
  /**
   * Marks `jti` revoked until `expiresAt` (seconds since the epoch, the token's `exp`).
   * Rejects (never silently forgets an earlier revocation) when it cannot keep the revocation.
   */
  revoke(jti: string, expiresAt: number): Promise<void>;
  /** Whether `jti` was revoked (and has not yet expired). */
  isRevoked(jti: string): Promise<boolean>;
}

/**
 * A revocation that could not be recorded because the store is full of live revocations.
 * The revocation endpoint answers it with 503 (RFC 7009 section 2.2.1: the client must then
 * assume the token still exists, and may retry).
 */
export class RevocationStoreFullError extends Error {
  override readonly name = 'RevocationStoreFullError';
  readonly code = 'ERR_REVOCATION_STORE_FULL' as const;
  constructor(readonly maxEntries: number) {
    super(`the revocation store holds ${maxEntries} live revocations (maxEntries); refusing to forget one before its token expires`);
  }
}

/** A binary min-heap of [expiresAt, jti], so the next revocation to expire is found in O(log n). */
class ExpiryHeap {
  readonly #times: number[] = [];
  readonly #ids: string[] = [];

  get size(): number {
    return this.#times.length;
  }

  peekTime(): number | undefined {
    return this.#times[0];
  }

  push(time: number, id: string): void {
    const times = this.#times;
    const ids = this.#ids;
    let i = times.length;
    times.push(time);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
  }

  pop(): [number, string] {
    const times = this.#times;
    const ids = this.#ids;
    const top: [number, string] = [times[0]!, ids[0]!];
    const lastTime = times.pop()!;
    const lastId = ids.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && times[child + 1]! < times[child]!) child += 1;
        if (times[child]! >= lastTime) break;
        times[i] = times[child]!;
        ids[i] = ids[child]!;
        i = child;
      }
      times[i] = lastTime;
      ids[i] = lastId;
    }
    return top;
  }
}

/**
 * Revocations in this process's memory: fine for one instance, lost on restart.
 * A revocation is kept until its token's `exp`, never less: when `maxEntries` live revocations
 * are held, `revoke` rejects with `RevocationStoreFullError` instead of dropping one (fail closed).
 * Size `maxEntries` from the token lifetime times the peak revocation rate. Each call costs
 * O(log n) (expired entries are dropped from a heap ordered by expiry), never a scan of the store.
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #entries = new Map<string, number>();
  readonly #expiries = new ExpiryHeap();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /** @param options.maxEntries most live revocations kept (default 100000; beyond it `revoke` rejects). */
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('MemoryRevocationStore: maxEntries must be a positive integer');
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? (() => Date.now() / 1000);
  }

  /** Live revocations held now (expired ones are dropped as calls come in). */
  get size(): number {
    return this.#entries.size;
  }

  #dropExpired(now: number): void {
    while (this.#expiries.size > 0 && this.#expiries.peekTime()! <= now) {
      const [time, jti] = this.#expiries.pop();
      // A jti revoked again with a later exp has a newer heap entry; only the latest one deletes.
      if (this.#entries.get(jti) === time) this.#entries.delete(jti);
    }
  }

  async revoke(jti: string, expiresAt: number): Promise<void> {
    const now = this.#now();
    this.#dropExpired(now);
    if (expiresAt <= now) return;
    const known = this.#entries.get(jti);
    if (known !== undefined && known >= expiresAt) return;
    if (known === undefined && this.#entries.size >= this.#maxEntries) throw new RevocationStoreFullError(this.#maxEntries);
    this.#entries.set(jti, expiresAt);
    this.#expiries.push(expiresAt, jti);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const until = this.#entries.get(jti);
    return until !== undefined && until > this.#now();
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
