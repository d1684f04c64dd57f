import { LRUCache } from 'lru-cache';
import type { Binding } from './binding.js';

/** What verifying a token once yields; the per-request checks (exp, binding) use it. */
export interface VerifiedToken {
  claims: Readonly<Record<string, unknown>>;
  scopes: readonly string[];
  clientId: string | undefined;
  /** `exp` in milliseconds since the epoch, or undefined when the source gave none. */
  expiresAt: number | undefined;
  binding: Binding;
}

/**
 * Verified tokens keyed by the exact token string, each kept until its `exp` (or `maxAgeMs`)
 * and at most `max` of them. Only successful verifications are stored. `clear()` is called
 * when the key set changes, so a token signed by a withdrawn key is verified again.
 */
export class TokenCache {
  readonly #entries: LRUCache<string, VerifiedToken>;

  constructor(max: number) {
    this.#entries = new LRUCache<string, VerifiedToken>({ max, ttlAutopurge: false });
  }

  get(token: string): VerifiedToken | undefined {
    return this.#entries.get(token);
  }

  set(token: string, verified: VerifiedToken, maxAgeMs = Infinity): void {
    const untilExpiry = verified.expiresAt === undefined ? Infinity : verified.expiresAt - Date.now();
    const ttl = Math.min(untilExpiry, maxAgeMs);
    if (ttl <= 0) return;
    this.#entries.set(token, verified, Number.isFinite(ttl) ? { ttl: Math.ceil(ttl) } : {});
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
