import { eventSink, type EventSink, type MtlsPopEventListener } from '../events/index.js';
import { ChainValidator, type CertificateInput } from '../certificate/chain.js';
import { defaultLogger, type Logger } from '../log.js';
import { ClientAuthenticator } from './client-auth.js';
import { ClientRegistry, type ClientMetadata } from './clients.js';
import { rejectUnknownKeys } from './did-you-mean.js';
import { KeyStore } from './keys.js';
import { isAbsoluteUriWithoutFragment } from './resource-indicator.js';
import { MemoryRevocationStore, type RevocationStore } from './revocation.js';
import { RevocationChecker } from '../revocation/checker.js';
import type { RevocationCheckerOptions } from '../revocation/options.js';

export interface AuthorizationServerOptions {
  /** The issuer identifier (RFC 8414 section 2): an https URL without query or fragment. Required. */
  issuer: string;
  /** Signing keys. Required. */
  keys: KeyStore;
  /** The client registry, or its entries (RFC 7591 metadata names). Required. */
  clients: ClientRegistry | readonly ClientMetadata[];
  /** CA certificates (PEM text or DER) that `tls_client_auth` certificates chain to. Required when such a client exists. */
  trustAnchors?: CertificateInput;
  /** Intermediate CA certificates used when clients do not send them. Default none. */
  intermediates?: CertificateInput;
  /** Most certificates in a client's path, anchor included. Default 5. */
  maxChainLength?: number;
  /**
   * Revocation checking of `tls_client_auth` certificates (CRL files, CRL distribution points,
   * OCSP), run on the validated path: a `RevocationChecker` (shareable with `clientCertificate()`)
   * or its options. Default none: revocation is not checked.
   */
  certificateRevocation?: RevocationChecker | RevocationCheckerOptions;
  /** Origin of the mTLS host, published as `mtls_endpoint_aliases` (RFC 8705 section 5). Default none. */
  mtlsBaseUrl?: string;
  /** Access token lifetime in seconds. Default 600; at most `keys.retainSeconds`. */
  accessTokenTtl?: number;
  /** `aud` when a request names no `resource` (RFC 8707). Default none: `resource` is then required. */
  defaultResource?: string;
  /** Where revocations live. Default a MemoryRevocationStore (one instance only). */
  revocations?: RevocationStore;
  /** Logger for refusals (one line each). Default the mtls-pop pino logger. */
  logger?: Logger;
  /** Largest accepted request body in bytes. Default 8192. */
  maxBodyBytes?: number;
  /** The clock, for tests. Default `() => new Date()`. */
  clock?: () => Date;
  /** Called once per issued token with `{ type: 'token_issued', method, bound }` (see MtlsPopEvent). Default: none. */
  onEvent?: MtlsPopEventListener;
}

/** Everything the request handlers need, computed once. */
export interface IssuerContext {
  readonly issuer: string;
  readonly issuerPath: string;
  readonly keys: KeyStore;
  readonly registry: ClientRegistry;
  readonly authenticator: ClientAuthenticator;
  readonly mtlsBaseUrl: string | undefined;
  readonly accessTokenTtl: number;
  readonly defaultResource: string | undefined;
  readonly revocations: RevocationStore;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly clock: () => Date;
  readonly emit: EventSink;
}

/** The defaults of the optional settings; docs/authorization-server.md is checked against them in the tests. */
export const AUTHORIZATION_SERVER_DEFAULTS = { maxChainLength: 5, accessTokenTtl: 600, maxBodyBytes: 8192 } as const;

export const OPTION_NAMES = ['issuer', 'keys', 'clients', 'trustAnchors', 'intermediates', 'maxChainLength', 'certificateRevocation', 'mtlsBaseUrl', 'accessTokenTtl',
  'defaultResource', 'revocations', 'logger', 'maxBodyBytes', 'clock', 'onEvent'];

function httpsUrl(value: unknown, name: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  // RFC 8414 section 2: the issuer "is a URL that uses the https scheme and has no query or fragment components".
  if ((url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) || url.search || url.hash || String(value).includes('#')) {
    throw new TypeError(`${name} must be an https URL without query or fragment, got ${JSON.stringify(value)}`);
  }
  return url;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) <= 0) throw new TypeError(`${name} must be a positive integer`);
  return value as number;
}

/**
 * Validates and normalises the options once (STYLE: compile options at construction).
 * @throws {TypeError} for unknown keys (with a hint), missing or malformed values
 */
export function compileOptions(options: AuthorizationServerOptions): IssuerContext {
  if (!options || typeof options !== 'object') throw new TypeError('authorizationServer(options) needs { issuer, keys, clients }');
  rejectUnknownKeys(options, OPTION_NAMES, 'authorizationServer');
  const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(String(options.issuer));
  const issuerUrl = httpsUrl(options.issuer, 'issuer', local);
  // RFC 8414 section 3.3: clients compare the issuer exactly, so it is kept as configured (a trailing
  // slash included); only the endpoint and well-known paths drop it (section 3.1).
  const issuer = String(options.issuer);
  if (!(options.keys instanceof KeyStore)) throw new TypeError('keys must be a KeyStore (KeyStore.fromFile, KeyStore.generate)');
  if (options.clients === undefined) throw new TypeError('clients is required: a ClientRegistry or an array of client metadata');
  const registry = options.clients instanceof ClientRegistry ? options.clients : new ClientRegistry(options.clients);
  const needsAnchors = registry.methods.includes('tls_client_auth');
  if (needsAnchors && options.trustAnchors === undefined) throw new TypeError('trustAnchors is required: some clients use tls_client_auth');
  const chain = options.trustAnchors === undefined ? undefined
    : new ChainValidator({ trustAnchors: options.trustAnchors, intermediates: options.intermediates, maxChainLength: options.maxChainLength ?? AUTHORIZATION_SERVER_DEFAULTS.maxChainLength });
  if (options.certificateRevocation !== undefined && options.trustAnchors === undefined) {
    throw new TypeError('certificateRevocation needs trustAnchors: revocation is checked on the validated path of tls_client_auth certificates');
  }
  const revocation = options.certificateRevocation === undefined || options.certificateRevocation instanceof RevocationChecker
    ? options.certificateRevocation : new RevocationChecker({ logger: options.logger, ...options.certificateRevocation });
  const accessTokenTtl = positiveInteger(options.accessTokenTtl, 'accessTokenTtl', AUTHORIZATION_SERVER_DEFAULTS.accessTokenTtl);
  if (accessTokenTtl > options.keys.retainSeconds) {
    throw new TypeError(`accessTokenTtl (${accessTokenTtl}) exceeds keys.retainSeconds (${options.keys.retainSeconds}): rotated keys would vanish before their tokens expire`);
  }
  if (options.defaultResource !== undefined && !isAbsoluteUriWithoutFragment(options.defaultResource)) {
    throw new TypeError('defaultResource must be an absolute URI without fragment (RFC 8707 section 2)');
  }
  const mtlsBaseUrl = options.mtlsBaseUrl === undefined ? undefined : httpsUrl(options.mtlsBaseUrl, 'mtlsBaseUrl', false).origin;
  if (options.revocations !== undefined && (typeof options.revocations.revoke !== 'function' || typeof options.revocations.isRevoked !== 'function')) {
    throw new TypeError('revocations must implement revoke(jti, expiresAt) and isRevoked(jti)');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') throw new TypeError('clock must be a function returning a Date');
  return {
    issuer,
    issuerPath: issuerUrl.pathname.replace(/\/+$/, ''),
    keys: options.keys,
    registry,
    authenticator: new ClientAuthenticator(registry, chain, revocation),
    mtlsBaseUrl,
    accessTokenTtl,
    defaultResource: options.defaultResource,
    revocations: options.revocations ?? new MemoryRevocationStore(),
    logger: options.logger ?? defaultLogger(),
    maxBodyBytes: positiveInteger(options.maxBodyBytes, 'maxBodyBytes', AUTHORIZATION_SERVER_DEFAULTS.maxBodyBytes),
    clock: options.clock ?? (() => new Date()),
    emit: eventSink(options.onEvent, 'authorizationServer'),
  };
}
