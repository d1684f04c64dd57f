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
/** How long a verified answer without `exp` (introspection only) is trusted before asking again. */
export const NO_EXPIRY_MAX_AGE_MS = 60_000;

export class TokenCache {
  // Each entry carries its own deadline, checked on every hit: one clock (Date.now) for the
  // deadline and for the per-request `exp` check, and no reliance on the LRU's timers.
  readonly #entries: LRUCache<string, { verified: VerifiedToken; until: number }>;

  constructor(max: number) {
    this.#entries = new LRUCache<string, { verified: VerifiedToken; until: number }>({ max });
  }

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (Date.now() >= entry.until) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.verified;
  }

  set(token: string, verified: VerifiedToken, maxAgeMs = Infinity): void {
    // RFC 7662 section 2.2 makes `exp` optional: an answer without it would otherwise be kept
    // (and a revocation missed) until evicted. JWTs always carry `exp` (it is required).
    const now = Date.now();
    const untilExpiry = verified.expiresAt === undefined ? NO_EXPIRY_MAX_AGE_MS : verified.expiresAt - now;
    const ttl = Math.min(untilExpiry, maxAgeMs);
    if (ttl <= 0) return;
    this.#entries.set(token, { verified, until: now + ttl });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
