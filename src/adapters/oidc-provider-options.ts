import type { CertificateInput } from '../certificate/chain.js';
import type { Logger } from '../log.js';
import type { RevocationChecker } from '../revocation/checker.js';
import { closest } from '../lib/closest.js';

/** Options of `oidcProviderMtls(options)`. Every option's documentation ends with its default. */
export interface OidcProviderMtlsOptions {
  /**
   * Where the certificate comes from: `'middleware'` is `req.clientCertificate`, set by
   * `clientCertificate()` in front of the provider; `'tls'` is the TLS socket of the provider's own
   * https server. Default: `'middleware'`.
   */
  source?: 'middleware' | 'tls';
  /**
   * How `certificateAuthorized` decides: `'chain'` validates against `trustAnchors`; `'proxy'`
   * believes the verify result of the proxy (`verifyHeader` of `clientCertificate()`) or of the TLS
   * socket, `SUCCESS` only. Default: `'chain'`.
   */
  verification?: 'chain' | 'proxy';
  /** The CAs `tls_client_auth` certificates must chain to (PEM text, DER, or a list). Required with `verification: 'chain'`. Default: none. */
  trustAnchors?: CertificateInput;
  /** Intermediates to use when the client does not send them (nginx forwards the leaf only). Default: none. */
  intermediates?: CertificateInput;
  /** Most certificates in a path, leaf and anchor included. Default: `5`. */
  maxChainLength?: number;
  /**
   * Revocation checking of the validated path (CRL files, distribution points, OCSP), with
   * `verification: 'chain'`. oidc-provider's `certificateAuthorized` is synchronous, so the check
   * runs in `helpers.checkRevocation`, an Express middleware to mount in front of the provider;
   * a certificate it did not see is refused (`ERR_REVOCATION_UNKNOWN`). Default: none.
   */
  revocation?: RevocationChecker;
  /** Where the one line per refused certificate goes. Default: mtls-pop's pino logger on stdout. */
  logger?: Logger;
}

/** The defaults, in one place: the README is checked against this object. */
export const OIDC_PROVIDER_MTLS_DEFAULTS = Object.freeze({
  source: 'middleware' as const,
  verification: 'chain' as const,
  trustAnchors: undefined,
  intermediates: undefined,
  maxChainLength: 5,
  revocation: undefined,
});

export interface CompiledAdapterOptions {
  readonly source: 'middleware' | 'tls';
  readonly verification: 'chain' | 'proxy';
  readonly trustAnchors: CertificateInput | undefined;
  readonly intermediates: CertificateInput | undefined;
  readonly maxChainLength: number;
  readonly revocation: RevocationChecker | undefined;
  readonly logger: Logger | undefined;
}

const KNOWN_KEYS = [...Object.keys(OIDC_PROVIDER_MTLS_DEFAULTS), 'logger'];
const WHERE = 'oidcProviderMtls';

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
    throw new TypeError(`${WHERE}: ${key} must be one of ${allowed.map((item) => `'${item}'`).join(', ')}${hint ? `. Did you mean '${hint}'?` : ''}`);
  }
  return value as T;
}

/**
 * Validates `oidcProviderMtls` options once, at construction (the trust anchors themselves are
 * parsed by `ChainValidator`, which throws a TypeError for a bad certificate).
 * @throws {TypeError} for an unknown key (with a "did you mean" hint), a bad value or a contradiction
 */
export function compileAdapterOptions(input: OidcProviderMtlsOptions | undefined): CompiledAdapterOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`${WHERE}: options must be an object, e.g. { trustAnchors: readFileSync('client-ca.pem', 'utf8') } or { verification: 'proxy' }`);
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.includes(key)) {
      const hint = closest(key, KNOWN_KEYS);
      throw new TypeError(`${WHERE}: unknown option "${key}"${hint ? `. Did you mean "${hint}"?` : ''}`);
    }
  }
  const source = oneOf(input.source ?? OIDC_PROVIDER_MTLS_DEFAULTS.source, 'source', ['middleware', 'tls'] as const);
  const verification = oneOf(input.verification ?? OIDC_PROVIDER_MTLS_DEFAULTS.verification, 'verification', ['chain', 'proxy'] as const);
  if (verification === 'chain' && input.trustAnchors === undefined) {
    throw new TypeError(`${WHERE}: trustAnchors is required with verification 'chain' (the CAs of tls_client_auth clients), or set verification: 'proxy' to believe the proxy's SUCCESS`);
  }
  if (verification === 'proxy') {
    const misplaced = (['trustAnchors', 'intermediates', 'maxChainLength', 'revocation'] as const).find((key) => input[key] !== undefined);
    if (misplaced) throw new TypeError(`${WHERE}: ${misplaced} only applies to verification 'chain'; verification 'proxy' believes the proxy's verify result`);
  }
  const maxChainLength = input.maxChainLength ?? OIDC_PROVIDER_MTLS_DEFAULTS.maxChainLength;
  if (!Number.isInteger(maxChainLength) || maxChainLength < 2 || maxChainLength > 16) {
    throw new TypeError(`${WHERE}: maxChainLength must be an integer from 2 to 16`);
  }
  const logger = input.logger;
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.error !== 'function')) {
    throw new TypeError(`${WHERE}: logger must have pino-style warn(object, message) and error(object, message) methods`);
  }
  const revocation = input.revocation;
  if (revocation !== undefined && (typeof revocation !== 'object' || revocation === null || typeof (revocation as { check?: unknown }).check !== 'function')) {
    throw new TypeError(`${WHERE}: revocation must be a RevocationChecker (from 'mtls-pop/chain')`);
  }
  return { source, verification, trustAnchors: input.trustAnchors, intermediates: input.intermediates, maxChainLength, revocation, logger };
}
