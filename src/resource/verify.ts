import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwksCache, jwtVerify, type ExportedJWKSCache, type JWTVerifyGetKey } from 'jose';
import { readBinding } from './binding.js';
import type { VerifiedToken } from './cache.js';
import { BearerTokenError, refuse } from './errors.js';
import { liveKeySet } from './key-source.js';
import type { ResolvedOptions } from './options.js';

/** Turns a token into verified claims, or throws a BearerTokenError. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /** Cap on how long a verified answer may be cached, in milliseconds. */
  readonly maxCacheAgeMs: number;
  /** Called on cache hits: lets a stale remote key set refresh in the background. */
  refresh?(): void;
  /** Called on every request before the cache is consulted: a local key source may have changed. Throws a BearerTokenError. */
  prepare?(): void;
}

/** RFC 9068 section 2.2.3: `scope` is a space-separated string; `client_id` names the client. */
export function describeClaims(claims: Record<string, unknown>, policy: ResolvedOptions['binding']): VerifiedToken {
  const scope = claims.scope;
  const scopes = typeof scope === 'string' ? Object.freeze(scope.split(' ').filter((s) => s.length > 0)) : Object.freeze([] as string[]);
  return {
    claims: Object.freeze({ ...claims }),
    scopes,
    clientId: typeof claims.client_id === 'string' ? claims.client_id : typeof claims.sub === 'string' ? claims.sub : undefined,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    binding: readBinding(claims, policy),
  };
}

const CLAIM_REFUSALS: Record<string, [BearerTokenError['code'], string]> = {
  nbf: ['ERR_TOKEN_NOT_YET_VALID', 'the access token is not yet valid'],
  iss: ['ERR_TOKEN_ISSUER', 'the access token comes from another issuer'],
  aud: ['ERR_TOKEN_AUDIENCE', 'the access token is meant for another audience'],
  typ: ['ERR_TOKEN_TYPE', 'the token is not a JWT access token'],
};

/** Maps jose's errors to our refusals; anything that is not about the token is a 503. */
export function mapJoseError(error: unknown): BearerTokenError {
  if (error instanceof BearerTokenError) return error;
  const detail = error instanceof Error ? error.message.slice(0, 200) : String(error);
  if (error instanceof errors.JWTExpired) return refuse.token('ERR_TOKEN_EXPIRED', 'the access token has expired', detail);
  if (error instanceof errors.JWTClaimValidationFailed) {
    const [code, text] = CLAIM_REFUSALS[error.claim] ?? ['ERR_TOKEN_CLAIMS', 'the access token claims are invalid'];
    return refuse.token(code, text, detail);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse.token('ERR_TOKEN_SIGNATURE', 'the access token signature is invalid', detail);
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse.token('ERR_TOKEN_ALGORITHM', 'the access token is signed with an algorithm that is not accepted', detail);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse.token('ERR_TOKEN_KEY_UNKNOWN', 'the access token is signed with an unknown key', detail);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return refuse.token('ERR_TOKEN_MALFORMED', 'the access token is malformed', detail);
  }
  return refuse.unavailable(`key set: ${detail}`);
}

/**
 * Watches a remote key set: jose writes each successful fetch into `state`; when the keys
 * differ from the last ones seen, `onChange` runs (the token cache is dropped).
 */
function remoteKeySet(url: URL, cooldownMs: number, maxAgeMs: number, dispatcher: object | undefined, onChange: () => void): { keys: JWTVerifyGetKey; afterVerify: () => void; refresh: () => void } {
  const state = {} as ExportedJWKSCache;
  const viaDispatcher = (resource: string, init: RequestInit) => fetch(resource, { ...init, dispatcher } as RequestInit);
  const keys = createRemoteJWKSet(url, { cooldownDuration: cooldownMs, cacheMaxAge: maxAgeMs, [jwksCache]: state, ...(dispatcher === undefined ? {} : { [customFetch]: viaDispatcher }) });
  let seenAt: number | undefined;
  let seenKeys: string | undefined;
  const afterVerify = (): void => {
    if (state.uat === seenAt) return;
    seenAt = state.uat;
    const current = JSON.stringify(state.jwks);
    if (seenKeys !== undefined && current !== seenKeys) onChange();
    seenKeys = current;
  };
  return {
    keys,
    afterVerify,
    // A key withdrawn by the issuer stops validating cached tokens within jwksMaxAgeMs.
    refresh() {
      if (state.uat === undefined || keys.fresh || keys.reloading) return;
      keys.reload().then(afterVerify, () => undefined);
    },
  };
}

/**
 * RFC 9068 section 4 checks with jose: signature with an allowed asymmetric algorithm,
 * `typ` (at+jwt or application/at+jwt), `iss`, `aud`, `exp` (required), `nbf`, then `cnf`.
 */
export function jwtVerifier(options: ResolvedOptions, onKeysChanged: () => void): TokenVerifier {
  const { source } = options;
  const remote = source.kind === 'jwksUri' ? remoteKeySet(source.url, source.cooldownMs, source.maxAgeMs, source.dispatcher, onKeysChanged) : undefined;
  const live = source.kind === 'keySource' ? liveKeySet(source.keySource, onKeysChanged) : undefined;
  live?.check();
  const keys: JWTVerifyGetKey = remote?.keys ?? live?.keys ?? (source.kind === 'jwks' ? createLocalJWKSet(source.jwks) : (() => { throw new TypeError('jwtVerifier needs a key source'); })());
  const verifyOptions = {
    issuer: options.issuer,
    audience: [...options.audience],
    algorithms: options.algorithms,
    clockTolerance: options.clockTolerance,
    typ: options.typ,
    requiredClaims: ['exp'],
  };
  return {
    maxCacheAgeMs: Infinity,
    refresh: remote?.refresh,
    prepare: live?.check,
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, verifyOptions);
        return describeClaims(payload, options.binding);
      } catch (error) {
        throw mapJoseError(error);
      } finally {
        remote?.afterVerify();
      }
    },
  };
}
