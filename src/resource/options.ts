import { eventSink, type EventSink, type MtlsPopEventListener } from '../events/index.js';
import type { JSONWebKeySet } from 'jose';
import { defaultLogger, type Logger } from '../log.js';
import { isLocalKeySource, jwksProblem, type LocalKeySource } from './key-source.js';
import { closest } from '../lib/closest.js';

/** RFC 7662 introspection as the verification source, for opaque (or any) tokens. */
export interface IntrospectionOptions {
  /** The authorization server's introspection endpoint (https, or http on loopback). */
  endpoint: string | URL;
  /** This resource server's client id at the authorization server. */
  clientId?: string;
  /** With `clientId`: HTTP Basic authentication (RFC 6749 section 2.3.1). */
  clientSecret?: string;
  /** A fetch dispatcher (an undici `Agent` with a client certificate) for tls_client_auth. */
  dispatcher?: object;
  /** Abort the introspection call after this many milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Cache an active answer for at most this many seconds (and never past its `exp`). Default: until `exp`. */
  maxCacheSeconds?: number;
}

/**
 * Where the resource server asks whether a token was revoked: the issuer's own store
 * (`MemoryRevocationStore` in the same process, `RedisRevocationStore` on the Redis the issuer
 * writes to), or anything with this method.
 */
export interface RevocationLookup {
  /** Whether the token with this `jti` was revoked (RFC 7009) and has not yet expired. */
  isRevoked(jti: string): Promise<boolean>;
}

/** Options of `requireCertificateBoundToken`. Exactly one of `jwks`, `jwksUri`, `introspection`. */
export interface CertificateBoundTokenOptions {
  /**
   * Local public keys: a JWK set, or a `LocalKeySource` (an object whose `publicJwks()` returns
   * the current set, such as a watching `KeyStore`), read on every request so rotations apply at once.
   */
  jwks?: JSONWebKeySet | LocalKeySource;
  /** The issuer's JWK set URL: fetched lazily, cached, refetched on an unknown `kid`. */
  jwksUri?: string | URL;
  /** Least milliseconds between two JWK set fetches triggered by unknown keys. Default 30000. */
  jwksCooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again (in the background on cache hits). Default 600000. */
  jwksMaxAgeMs?: number;
  /** A fetch dispatcher for `jwksUri` (an undici `Agent` trusting a private CA, say). Default: global fetch's. */
  jwksDispatcher?: object;
  /** RFC 7662 introspection instead of local JWT verification. */
  introspection?: IntrospectionOptions;
  /** Expected `iss`. Required for JWTs; checked in introspection answers when set. */
  issuer?: string;
  /** Expected `aud` (one of them must be in the token). Required. */
  audience: string | readonly string[];
  /** Accepted JWS algorithms. Default ['ES256', 'EdDSA', 'PS256', 'RS256']; `none` and HS* are refused. */
  algorithms?: readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Expected JWT `typ` header; `application/` prefix optional. Default 'at+jwt' (RFC 9068 section 4). */
  typ?: string;
  /** 'required' (default): a token without `cnf` is refused. 'ifPresent': only bound tokens are checked. */
  binding?: 'required' | 'ifPresent';
  /** The `realm` of the `WWW-Authenticate` challenge. Default: none. */
  realm?: string;
  /** Most verified tokens kept in memory. Default 10000. */
  cacheSize?: number;
  /**
   * The issuer's revocation store, asked for the token's `jti` on every request (cached or not):
   * a revoked token is refused with `ERR_TOKEN_REVOKED`, a token without `jti` with
   * `ERR_TOKEN_CLAIMS`, an unreachable store with 503. Default: none (a locally verified JWT
   * stays valid until `exp` even when revoked).
   */
  revocations?: RevocationLookup;
  /** Where refusals are logged. Default: the mtls-pop logger. */
  logger?: Logger;
  /** Called once per refusal with `{ type: 'token_refused', code }` (see MtlsPopEvent). Default: none. */
  onEvent?: MtlsPopEventListener;
}

/** The options after validation: every default applied, nothing left to parse per request. */
export interface ResolvedOptions {
  source: { kind: 'jwks'; jwks: JSONWebKeySet } | { kind: 'keySource'; keySource: LocalKeySource } | { kind: 'jwksUri'; url: URL; cooldownMs: number; maxAgeMs: number; dispatcher: object | undefined } | { kind: 'introspection'; introspection: ResolvedIntrospection };
  issuer: string | undefined;
  audience: readonly string[];
  algorithms: string[];
  clockTolerance: number;
  typ: string;
  binding: 'required' | 'ifPresent';
  realm: string | undefined;
  cacheSize: number;
  revocations: RevocationLookup | undefined;
  logger: Logger;
  emit: EventSink;
}

export interface ResolvedIntrospection {
  endpoint: URL;
  clientId: string | undefined;
  clientSecret: string | undefined;
  dispatcher: object | undefined;
  timeoutMs: number;
  maxCacheSeconds: number;
}

export const DEFAULT_ALGORITHMS: readonly string[] = Object.freeze(['ES256', 'EdDSA', 'PS256', 'RS256']);
export const DEFAULTS = Object.freeze({ clockTolerance: 5, typ: 'at+jwt', binding: 'required', cacheSize: 10_000, jwksCooldownMs: 30_000, jwksMaxAgeMs: 600_000, introspectionTimeoutMs: 5_000 });

const KNOWN = ['jwks', 'jwksUri', 'jwksCooldownMs', 'jwksMaxAgeMs', 'jwksDispatcher', 'introspection', 'issuer', 'audience', 'algorithms', 'clockTolerance', 'typ', 'binding', 'realm', 'cacheSize', 'revocations', 'logger', 'onEvent'] as const;
const KNOWN_INTROSPECTION = ['endpoint', 'clientId', 'clientSecret', 'dispatcher', 'timeoutMs', 'maxCacheSeconds'] as const;
// RFC 7518 section 3.1 names the asymmetric JWS algorithms jose can verify with a public key.
const ASYMMETRIC = new Set(['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']);

function rejectUnknownKeys(object: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const best = closest(key, known);
    const hint = best !== undefined ? ` Did you mean ${best}?` : '';
    throw new TypeError(`${where}: unknown option "${key}".${hint}`);
  }
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`requireCertificateBoundToken: ${name} must be a non-empty string`);
  return value;
}

/** RFC 7230 section 3.2.6: the realm goes into a quoted-string of WWW-Authenticate; printable ASCII only. */
function headerSafe(value: string, name: string): string {
  if (!/^[\x20-\x7e]+$/.test(value)) throw new TypeError(`requireCertificateBoundToken: ${name} must be printable ASCII (it is sent in WWW-Authenticate)`);
  return value;
}

function positiveInteger(value: unknown, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new TypeError(`requireCertificateBoundToken: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

function httpUrl(value: unknown, name: string): URL {
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : nonEmptyString(value, name));
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('requireCertificateBoundToken')) throw error;
    throw new TypeError(`requireCertificateBoundToken: ${name} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  // Keys and introspection answers fetched in clear text could be replaced in transit.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError(`requireCertificateBoundToken: ${name} must be an https URL (http only on loopback)`);
  }
  return url;
}

function validateJwks(jwks: unknown): JSONWebKeySet {
  const problem = jwksProblem(jwks);
  if (problem !== undefined) throw new TypeError(`requireCertificateBoundToken: ${problem}`);
  return jwks as JSONWebKeySet;
}

/** A key source is read once here, so a broken one fails at construction, not on the first request. */
function validateKeySource(source: LocalKeySource): LocalKeySource {
  let jwks: unknown;
  try {
    jwks = source.publicJwks();
  } catch (error) {
    throw new TypeError(`requireCertificateBoundToken: jwks.publicJwks() failed: ${(error as Error).message}`);
  }
  const problem = jwksProblem(jwks);
  if (problem !== undefined) throw new TypeError(`requireCertificateBoundToken: jwks.publicJwks() returned an unusable set: ${problem}`);
  return source;
}

function validateIntrospection(value: unknown): ResolvedIntrospection {
  if (typeof value !== 'object' || value === null) throw new TypeError('requireCertificateBoundToken: introspection must be an object');
  rejectUnknownKeys(value, KNOWN_INTROSPECTION, 'requireCertificateBoundToken introspection');
  const options = value as IntrospectionOptions;
  const clientId = options.clientId === undefined ? undefined : nonEmptyString(options.clientId, 'introspection.clientId');
  const clientSecret = options.clientSecret === undefined ? undefined : nonEmptyString(options.clientSecret, 'introspection.clientSecret');
  if (clientSecret !== undefined && clientId === undefined) throw new TypeError('requireCertificateBoundToken: introspection.clientSecret needs introspection.clientId');
  if (options.dispatcher !== undefined && (typeof options.dispatcher !== 'object' || options.dispatcher === null)) {
    throw new TypeError('requireCertificateBoundToken: introspection.dispatcher must be an undici Dispatcher');
  }
  // RFC 7662 section 2.1: the endpoint MUST require some form of authorization.
  if (clientSecret === undefined && options.dispatcher === undefined) {
    throw new TypeError('requireCertificateBoundToken: introspection needs client authentication: clientId + clientSecret, or a dispatcher with a client certificate');
  }
  return {
    endpoint: httpUrl(options.endpoint, 'introspection.endpoint'),
    clientId,
    clientSecret,
    dispatcher: options.dispatcher,
    timeoutMs: positiveInteger(options.timeoutMs, 'introspection.timeoutMs', DEFAULTS.introspectionTimeoutMs),
    maxCacheSeconds: options.maxCacheSeconds === undefined ? Infinity : positiveInteger(options.maxCacheSeconds, 'introspection.maxCacheSeconds', 0, true),
  };
}

/**
 * Validates and normalises the options once, at construction.
 * @throws {TypeError} on an unknown key (with a "did you mean" hint), a missing or second
 *   verification source, a missing issuer or audience, or an algorithm that is `none` or HMAC.
 */
export function resolveOptions(input: CertificateBoundTokenOptions): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('requireCertificateBoundToken: options must be an object');
  rejectUnknownKeys(input, KNOWN, 'requireCertificateBoundToken');

  const sources = (['jwks', 'jwksUri', 'introspection'] as const).filter((key) => input[key] !== undefined);
  if (sources.length !== 1) {
    throw new TypeError(`requireCertificateBoundToken: give exactly one of jwks, jwksUri, introspection (got ${sources.length === 0 ? 'none' : sources.join(', ')})`);
  }
  for (const key of ['jwksCooldownMs', 'jwksMaxAgeMs', 'jwksDispatcher'] as const) {
    if (input[key] !== undefined && input.jwksUri === undefined) throw new TypeError(`requireCertificateBoundToken: ${key} applies only with jwksUri`);
  }
  if (input.jwksDispatcher !== undefined && (typeof input.jwksDispatcher !== 'object' || input.jwksDispatcher === null)) {
    throw new TypeError('requireCertificateBoundToken: jwksDispatcher must be an undici Dispatcher');
  }
  const source: ResolvedOptions['source'] =
    isLocalKeySource(input.jwks) ? { kind: 'keySource', keySource: validateKeySource(input.jwks) }
    : input.jwks !== undefined ? { kind: 'jwks', jwks: validateJwks(input.jwks) }
    : input.jwksUri !== undefined ? { kind: 'jwksUri', url: httpUrl(input.jwksUri, 'jwksUri'), cooldownMs: positiveInteger(input.jwksCooldownMs, 'jwksCooldownMs', DEFAULTS.jwksCooldownMs, true), maxAgeMs: positiveInteger(input.jwksMaxAgeMs, 'jwksMaxAgeMs', DEFAULTS.jwksMaxAgeMs), dispatcher: input.jwksDispatcher }
    : { kind: 'introspection', introspection: validateIntrospection(input.introspection) };

  // RFC 9068 section 4: the resource server MUST validate iss (JWT) and aud.
  const issuer = input.issuer === undefined ? undefined : nonEmptyString(input.issuer, 'issuer');
  if (issuer === undefined && source.kind !== 'introspection') throw new TypeError('requireCertificateBoundToken: issuer is required to verify JWT access tokens');
  const audienceList = typeof input.audience === 'string' ? [input.audience] : input.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0) throw new TypeError('requireCertificateBoundToken: audience is required (a string or a non-empty array)');
  const audience = Object.freeze(audienceList.map((value, i) => nonEmptyString(value, `audience[${i}]`)));

  const algorithms = [...(input.algorithms ?? DEFAULT_ALGORITHMS)];
  if (!Array.isArray(input.algorithms ?? []) || algorithms.length === 0) throw new TypeError('requireCertificateBoundToken: algorithms must be a non-empty array');
  for (const alg of algorithms) {
    // RFC 8725 section 3.1 / RFC 9068 section 4: never `none`, never HMAC keyed with a public key.
    if (typeof alg !== 'string' || !ASYMMETRIC.has(alg)) {
      throw new TypeError(`requireCertificateBoundToken: algorithm ${JSON.stringify(alg)} is not allowed; use asymmetric algorithms (${[...ASYMMETRIC].join(', ')})`);
    }
  }

  if (input.clockTolerance !== undefined && (typeof input.clockTolerance !== 'number' || !Number.isFinite(input.clockTolerance) || input.clockTolerance < 0 || input.clockTolerance > 300)) {
    throw new TypeError('requireCertificateBoundToken: clockTolerance must be a number of seconds between 0 and 300');
  }
  const binding = input.binding ?? 'required';
  if (binding !== 'required' && binding !== 'ifPresent') throw new TypeError(`requireCertificateBoundToken: binding must be 'required' or 'ifPresent'`);
  const logger = input.logger ?? defaultLogger();
  if (typeof logger.warn !== 'function' || typeof logger.error !== 'function') throw new TypeError('requireCertificateBoundToken: logger must have warn() and error()');

  const revocations = input.revocations;
  if (revocations !== undefined && (typeof revocations !== 'object' || revocations === null || typeof revocations.isRevoked !== 'function')) {
    throw new TypeError('requireCertificateBoundToken: revocations must have isRevoked(jti) (a MemoryRevocationStore or RedisRevocationStore shared with the issuer)');
  }

  return {
    source,
    issuer,
    audience,
    algorithms,
    clockTolerance: input.clockTolerance ?? DEFAULTS.clockTolerance,
    typ: input.typ === undefined ? DEFAULTS.typ : nonEmptyString(input.typ, 'typ'),
    binding,
    realm: input.realm === undefined ? undefined : headerSafe(nonEmptyString(input.realm, 'realm'), 'realm'),
    cacheSize: positiveInteger(input.cacheSize, 'cacheSize', DEFAULTS.cacheSize),
    revocations,
    logger,
    emit: eventSink(input.onEvent, 'requireCertificateBoundToken'),
  };
}
