import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { refuse } from './errors.js';

/**
 * A local JWK set that may change while the server runs: anything whose `publicJwks()` returns
 * the current set of public keys. A `KeyStore` is one (watching its key file, it follows
 * rotations). It is read on every request, so it must be cheap and must not do I/O.
 */
export interface LocalKeySource {
  publicJwks(): JSONWebKeySet;
}

// RFC 7517 sections 6.2.2, 6.3.2 and 6.4: the members that make a JWK private or secret.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What is wrong with a JWK set meant for verification, or undefined when it is usable. */
export function jwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JSONWebKeySet).keys) || (jwks as JSONWebKeySet).keys.length === 0) {
    return 'jwks must be a JWK set { keys: [...] } with at least one key';
  }
  for (const key of (jwks as JSONWebKeySet).keys as unknown[]) {
    if (typeof key !== 'object' || key === null) return 'jwks must hold JWK objects';
    // RFC 8725 section 3.1: a symmetric key here would let anyone holding it mint tokens.
    if ((key as { kty?: unknown }).kty === 'oct') return 'jwks must not hold symmetric (kty "oct") keys';
    const member = PRIVATE_MEMBERS.find((name) => name in key);
    if (member !== undefined) return `jwks must hold public keys only (found a private key member "${member}")`;
  }
  return undefined;
}

/** True for a `LocalKeySource` (as opposed to a plain JWK set). */
export function isLocalKeySource(value: unknown): value is LocalKeySource {
  return typeof value === 'object' && value !== null && typeof (value as LocalKeySource).publicJwks === 'function';
}

/** A local key source as jose's key lookup, plus the per-request check that follows its changes. */
export interface LiveKeySet {
  keys: JWTVerifyGetKey;
  /**
   * Reads the source; when the set differs from the last one, validates it, rebuilds the key
   * lookup and calls `onChange` (the verified-token cache is dropped).
   * @throws {BearerTokenError} ERR_VERIFIER_UNAVAILABLE (503) while the source throws or
   *   returns an unusable set (private or symmetric keys, no keys): fail closed.
   */
  check(): void;
}

/**
 * Follows a `LocalKeySource`. An unknown `kid` costs nothing more than reading the current set:
 * the source is local, so there is nothing to fetch and no refresh to rate-limit. Comparing by
 * object identity first keeps the per-request cost to a property read for sources that return
 * the same object while unchanged; others are compared by their JSON text.
 */
export function liveKeySet(source: LocalKeySource, onChange: () => void): LiveKeySet {
  let seen: unknown;
  let seenText: string | undefined;
  let problem: string | undefined;
  let current: JWTVerifyGetKey | undefined;

  const check = (): void => {
    let set: unknown;
    let text: string;
    try {
      set = source.publicJwks();
      if (set !== seen) text = JSON.stringify((set as JSONWebKeySet | null)?.keys ?? null);
      else text = seenText!;
    } catch (error) {
      throw refuse.unavailable(`key source: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
    }
    seen = set;
    if (text !== seenText) {
      const first = seenText === undefined;
      seenText = text;
      problem = jwksProblem(set);
      current = undefined;
      if (problem === undefined) {
        try {
          current = createLocalJWKSet(set as JSONWebKeySet);
        } catch (error) {
          problem = `jwks is malformed: ${(error as Error).message}`;
        }
      }
      if (!first) onChange();
    }
    if (problem !== undefined) throw refuse.unavailable(`key source: ${problem}`);
  };

  return {
    keys: (header, token) => {
      if (current === undefined) throw refuse.unavailable(`key source: ${problem ?? 'not read yet'}`);
      return current(header, token);
    },
    check,
  };
}
