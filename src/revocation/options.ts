import { closest } from '../lib/closest.js';
import { defaultLogger, type Logger } from '../log.js';

/** Options of `new RevocationChecker(options)`. Every option's documentation ends with its default. */
export interface RevocationCheckerOptions {
  /** CRL files (PEM with one or more `X509 CRL` blocks, or DER), re-read when they change. Default: none. */
  crlFiles?: string | readonly string[];
  /** Whether to fetch CRLs from the certificates' CRL distribution points (http/https). Default: `false`. */
  crlDistributionPoints?: boolean;
  /** Whether to ask OCSP responders (the one in `ocspResponder`, else the certificate's AIA). Default: `false`. */
  ocsp?: boolean;
  /** An OCSP responder URL used instead of the certificates' AIA. Default: none (the AIA). */
  ocspResponder?: string;
  /** Responder certificates (PEM) trusted to sign OCSP answers for any issuer (RFC 6960 section 4.2.2.2, "locally configured"). Default: none. */
  ocspTrustedResponders?: string;
  /** The OCSP nonce (RFC 8954): `'send'` sends one and refuses an answer echoing another; `'require'` also refuses an answer without it; `'off'`. Default: `'send'`. */
  ocspNonce?: 'send' | 'require' | 'off';
  /** `'hard-fail'` refuses a certificate whose status no source could establish; `'soft-fail'` accepts it and logs the miss. Default: `'hard-fail'`. */
  mode?: 'hard-fail' | 'soft-fail';
  /** Which certificates of the validated path are checked: every one below the anchor, or the leaf only. Default: `'chain'`. */
  scope?: 'chain' | 'leaf';
  /** Deadline of one OCSP or CRL fetch, in milliseconds. Default: `3000`. */
  timeoutMs?: number;
  /** Largest OCSP answer accepted, in bytes. Default: `65536`. */
  maxOcspResponseBytes?: number;
  /** Largest CRL accepted (file or fetched), in bytes. Default: `10485760`. */
  maxCrlBytes?: number;
  /** Tolerated clock difference with responders and CRL issuers (OCSP thisUpdate/nextUpdate, CRL thisUpdate), in seconds. Default: `300`. */
  clockSkewSeconds?: number;
  /** How often CRL files are checked for changes, at most, in milliseconds. Default: `1000`. */
  crlFileCheckIntervalMs?: number;
  /** Verdicts and fetched CRLs kept in memory (per process). Default: `10000`. */
  cacheSize?: number;
  /** Where refusals and soft-fail misses are logged. Default: mtls-pop's pino logger. */
  logger?: Logger;
}

/** The defaults, in one place: the docs table is checked against this object. */
export const REVOCATION_CHECKER_DEFAULTS = Object.freeze({
  crlFiles: [] as readonly string[],
  crlDistributionPoints: false,
  ocsp: false,
  ocspResponder: undefined,
  ocspTrustedResponders: undefined,
  ocspNonce: 'send' as const,
  mode: 'hard-fail' as const,
  scope: 'chain' as const,
  timeoutMs: 3000,
  maxOcspResponseBytes: 65536,
  maxCrlBytes: 10 * 1024 * 1024,
  clockSkewSeconds: 300,
  crlFileCheckIntervalMs: 1000,
  cacheSize: 10000,
});

export interface CompiledRevocationOptions {
  readonly crlFiles: readonly string[];
  readonly crlDistributionPoints: boolean;
  readonly ocsp: boolean;
  readonly ocspResponder: URL | undefined;
  readonly ocspTrustedResponders: string | undefined;
  readonly ocspNonce: 'send' | 'require' | 'off';
  readonly mode: 'hard-fail' | 'soft-fail';
  readonly scope: 'chain' | 'leaf';
  readonly timeoutMs: number;
  readonly maxOcspResponseBytes: number;
  readonly maxCrlBytes: number;
  readonly clockSkewMs: number;
  readonly crlFileCheckIntervalMs: number;
  readonly cacheSize: number;
  readonly logger: Logger;
}

const KNOWN_KEYS = [...Object.keys(REVOCATION_CHECKER_DEFAULTS), 'logger'];
const WHERE = 'RevocationChecker';

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
    throw new TypeError(`${WHERE}: ${key} must be one of ${allowed.map((item) => `'${item}'`).join(', ')}${hint ? `. Did you mean '${hint}'?` : ''}`);
  }
  return value as T;
}

function integer(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new TypeError(`${WHERE}: ${key} must be an integer from ${min} to ${max}`);
  return value;
}

function flag(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${WHERE}: ${key} must be a boolean`);
  return value;
}

/**
 * Validates the options once, at construction.
 * @throws {TypeError} for an unknown key (with a "did you mean" hint), a bad value, or a checker that checks nothing
 */
export function compileRevocationOptions(input: RevocationCheckerOptions | undefined): CompiledRevocationOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`${WHERE}: options must be an object, e.g. { crlFiles: ['/etc/pki/client-ca.crl'] } or { ocsp: true }`);
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.includes(key)) {
      const hint = closest(key, KNOWN_KEYS);
      throw new TypeError(`${WHERE}: unknown option "${key}"${hint ? `. Did you mean "${hint}"?` : ''}`);
    }
  }
  const defaults = REVOCATION_CHECKER_DEFAULTS;
  const files = input.crlFiles ?? defaults.crlFiles;
  const crlFiles = typeof files === 'string' ? [files] : files;
  if (!Array.isArray(crlFiles) || !crlFiles.every((file) => typeof file === 'string' && file.length > 0)) throw new TypeError(`${WHERE}: crlFiles must be a file name or an array of them`);
  const ocsp = flag(input.ocsp ?? defaults.ocsp, 'ocsp');
  let ocspResponder: URL | undefined;
  if (input.ocspResponder !== undefined) {
    try {
      ocspResponder = new URL(input.ocspResponder);
    } catch {
      throw new TypeError(`${WHERE}: ocspResponder must be an http(s) URL, got ${JSON.stringify(input.ocspResponder)}`);
    }
    if (ocspResponder.protocol !== 'http:' && ocspResponder.protocol !== 'https:') throw new TypeError(`${WHERE}: ocspResponder must be an http(s) URL`);
    if (!ocsp) throw new TypeError(`${WHERE}: ocspResponder needs ocsp: true`);
  }
  if (input.ocspTrustedResponders !== undefined && (typeof input.ocspTrustedResponders !== 'string' || !input.ocspTrustedResponders.includes('BEGIN CERTIFICATE'))) {
    throw new TypeError(`${WHERE}: ocspTrustedResponders must be PEM certificate text`);
  }
  const crlDistributionPoints = flag(input.crlDistributionPoints ?? defaults.crlDistributionPoints, 'crlDistributionPoints');
  if (crlFiles.length === 0 && !crlDistributionPoints && !ocsp) {
    throw new TypeError(`${WHERE}: nothing to check: set crlFiles, crlDistributionPoints: true or ocsp: true`);
  }
  const logger = input.logger ?? defaultLogger();
  if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError(`${WHERE}: logger must have pino-style warn(object, message) and error(object, message) methods`);
  }
  return {
    crlFiles: [...crlFiles],
    crlDistributionPoints,
    ocsp,
    ocspResponder,
    ocspTrustedResponders: input.ocspTrustedResponders,
    ocspNonce: oneOf(input.ocspNonce ?? defaults.ocspNonce, 'ocspNonce', ['send', 'require', 'off'] as const),
    mode: oneOf(input.mode ?? defaults.mode, 'mode', ['hard-fail', 'soft-fail'] as const),
    scope: oneOf(input.scope ?? defaults.scope, 'scope', ['chain', 'leaf'] as const),
    timeoutMs: integer(input.timeoutMs ?? defaults.timeoutMs, 'timeoutMs', 1, 60_000),
    maxOcspResponseBytes: integer(input.maxOcspResponseBytes ?? defaults.maxOcspResponseBytes, 'maxOcspResponseBytes', 1024, 16 * 1024 * 1024),
    maxCrlBytes: integer(input.maxCrlBytes ?? defaults.maxCrlBytes, 'maxCrlBytes', 1024, 1024 * 1024 * 1024),
    clockSkewMs: integer(input.clockSkewSeconds ?? defaults.clockSkewSeconds, 'clockSkewSeconds', 0, 3600) * 1000,
    crlFileCheckIntervalMs: integer(input.crlFileCheckIntervalMs ?? defaults.crlFileCheckIntervalMs, 'crlFileCheckIntervalMs', 0, 3_600_000),
    cacheSize: integer(input.cacheSize ?? defaults.cacheSize, 'cacheSize', 0, 10_000_000),
    logger,
  };
}
