import { LRUCache } from 'lru-cache';
import { CertificateHeaderError } from './errors.js';
import { distinguishedNamesEqual } from './distinguished-name.js';
import { readPathExtensions, type PathExtensions } from './extensions.js';
import { ClientCertificate } from './model.js';
import { pemToDerList } from './pem.js';

/** Why a certificate does not chain to a trust anchor. A string-literal union: `switch` narrows. */
export type ChainErrorCode =
  /** The forwarded chain, or the path built, is longer than `maxChainLength`. */
  | 'ERR_CHAIN_TOO_LONG'
  /** No path to a configured trust anchor (unknown CA, missing intermediate, bad signature). */
  | 'ERR_CHAIN_UNTRUSTED'
  /** The certificate signed itself and is not issued by any trust anchor. */
  | 'ERR_CHAIN_SELF_SIGNED'
  /** A certificate of the path is past its notAfter. */
  | 'ERR_CHAIN_EXPIRED'
  /** A certificate of the path is before its notBefore. */
  | 'ERR_CHAIN_NOT_YET_VALID'
  /** An issuer lacks basicConstraints cA=TRUE. */
  | 'ERR_CHAIN_NOT_CA'
  /** An issuer lacks keyCertSign, or the leaf lacks digitalSignature. */
  | 'ERR_CHAIN_KEY_USAGE'
  /** The leaf's extKeyUsage does not include clientAuth. */
  | 'ERR_CHAIN_EXTENDED_KEY_USAGE'
  /** An issuer's pathLenConstraint is exceeded. */
  | 'ERR_CHAIN_PATH_LENGTH'
  /** A certificate carries a critical extension this validator does not process. */
  | 'ERR_CHAIN_CRITICAL_EXTENSION'
  /** A certificate of the path cannot be parsed. */
  | 'ERR_CHAIN_INVALID';

/** A certificate that fails path validation. Never thrown for misuse (that is a `TypeError`). */
export class CertificateChainError extends Error {
  override readonly name = 'CertificateChainError';
  readonly code: ChainErrorCode;
  constructor(code: ChainErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Certificates as PEM text (one or more blocks) or DER bytes. */
export type CertificateInput = string | Uint8Array | readonly (string | Uint8Array)[];

export interface ChainValidatorOptions {
  /** The CAs that client certificates must chain to. Required, at least one. */
  trustAnchors: CertificateInput;
  /** Intermediates to use when the client (or the proxy) does not send them. Default none. */
  intermediates?: CertificateInput;
  /** Most certificates in a path, leaf and anchor included; also caps the forwarded chain. Default 5. */
  maxChainLength?: number;
  /** Validated paths kept (keyed by the thumbprints); validity periods are re-checked on every hit. Default 1000. */
  cacheSize?: number;
}

/** A validated path: `path[0]` is the leaf, the last element the trust anchor. */
export interface ChainValidationResult {
  readonly path: readonly ClientCertificate[];
  readonly anchor: ClientCertificate;
}

interface Link {
  readonly certificate: ClientCertificate;
  readonly extensions: PathExtensions;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
// RFC 5280 section 4.2: a certificate with an unrecognised critical extension MUST be rejected.
const PROCESSED = new Set(['2.5.29.15', '2.5.29.19', '2.5.29.37', '2.5.29.17', '2.5.29.14', '2.5.29.35']);
const OPTION_NAMES = ['trustAnchors', 'intermediates', 'maxChainLength', 'cacheSize'];

function toLinks(input: CertificateInput | undefined, name: string): Link[] {
  if (input === undefined) return [];
  const list = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  if (!Array.isArray(list)) throw new TypeError(`${name} must be PEM text, DER bytes or an array of them`);
  try {
    return list.flatMap((item) => (typeof item === 'string' ? pemToDerList(item) : [item]))
      .map((der) => {
        const certificate = ClientCertificate.fromDer(der, [], 'tls').validate();
        return { certificate, extensions: readPathExtensions(certificate.der) };
      });
  } catch (error) {
    throw new TypeError(`${name}: ${(error as Error).message}`);
  }
}

function link(certificate: ClientCertificate): Link {
  try {
    void certificate.x509;
    return { certificate, extensions: readPathExtensions(certificate.der) };
  } catch (error) {
    throw new CertificateChainError('ERR_CHAIN_INVALID', (error as Error).message);
  }
}

function issued(child: Link, issuer: Link): boolean {
  try {
    // RFC 5280 section 6.1.3 (a)(4): the issuer name matches the previous subject (X.500 comparison),
    // then the signature; key usage is judged later, so that its failure gets its own code.
    return distinguishedNamesEqual(child.certificate.issuerName, issuer.certificate.subjectName)
      && child.certificate.x509.verify(issuer.certificate.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Validates client certificates against configured trust anchors (RFC 8705 section 2.1:
 * "the certificate chain is validated" under RFC 5280 section 6 rules): signatures, validity
 * of every link, CA and keyCertSign on issuers, pathLenConstraint, digitalSignature and the
 * clientAuth purpose on the leaf. Revocation (CRL/OCSP) is not checked.
 */
export class ChainValidator {
  readonly #anchors: Link[];
  readonly #intermediates: Link[];
  readonly #maxChainLength: number;
  readonly #cache: LRUCache<string, { result: ChainValidationResult; from: number; until: number }> | undefined;

  constructor(options: ChainValidatorOptions) {
    if (!options || typeof options !== 'object') throw new TypeError('ChainValidator needs { trustAnchors }');
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new TypeError(`unknown ChainValidator option "${key}"; known: ${OPTION_NAMES.join(', ')}`);
    }
    this.#anchors = toLinks(options.trustAnchors, 'trustAnchors');
    if (this.#anchors.length === 0) throw new TypeError('trustAnchors must hold at least one CA certificate');
    this.#intermediates = toLinks(options.intermediates, 'intermediates');
    this.#maxChainLength = options.maxChainLength ?? 5;
    if (!Number.isInteger(this.#maxChainLength) || this.#maxChainLength < 2 || this.#maxChainLength > 16) {
      throw new TypeError('maxChainLength must be an integer from 2 to 16');
    }
    const cacheSize = options.cacheSize ?? 1000;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new TypeError('cacheSize must be a non-negative integer');
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
  }

  /**
   * The validated path of `certificate` (its forwarded chain plus the configured intermediates).
   * @throws {CertificateChainError} with a `ChainErrorCode`
   */
  validate(certificate: ClientCertificate, now: Date = new Date()): ChainValidationResult {
    const time = now.getTime();
    const key = [certificate.thumbprint, ...certificate.chain.map((item) => item.thumbprint)].join('.');
    const hit = this.#cache?.get(key);
    if (hit && time >= hit.from && time <= hit.until) return hit.result;
    if (certificate.chain.length >= this.#maxChainLength) {
      throw new CertificateChainError('ERR_CHAIN_TOO_LONG', `the forwarded chain has ${certificate.chain.length} certificates`);
    }
    const path = this.#build(link(certificate), certificate.chain.map(link));
    this.#check(path, time);
    const result: ChainValidationResult = { path: path.map((item) => item.certificate), anchor: path[path.length - 1]!.certificate };
    const from = Math.max(...path.map((item) => item.certificate.notBefore.getTime()));
    const until = Math.min(...path.map((item) => item.certificate.notAfter.getTime()));
    this.#cache?.set(key, { result, from, until });
    return result;
  }

  #build(leaf: Link, forwarded: Link[]): Link[] {
    const candidates = [...forwarded, ...this.#intermediates];
    const path = [leaf];
    while (path.length < this.#maxChainLength) {
      const current = path[path.length - 1]!;
      const anchor = this.#anchors.find((item) => issued(current, item));
      if (anchor) return [...path, anchor];
      const next = candidates.find((item) => !path.some((seen) => seen.certificate.thumbprint === item.certificate.thumbprint) && issued(current, item));
      if (!next) {
        if (path.length === 1 && issued(leaf, leaf)) throw new CertificateChainError('ERR_CHAIN_SELF_SIGNED', 'the certificate is self-signed');
        throw new CertificateChainError('ERR_CHAIN_UNTRUSTED', `no trusted issuer for "${current.certificate.subject}"`);
      }
      path.push(next);
    }
    throw new CertificateChainError('ERR_CHAIN_TOO_LONG', `no trust anchor within ${this.#maxChainLength} certificates`);
  }

  #check(path: readonly Link[], time: number): void {
    for (const { certificate, extensions } of path) {
      if (time > certificate.notAfter.getTime()) throw new CertificateChainError('ERR_CHAIN_EXPIRED', `"${certificate.subject}" expired at ${certificate.notAfter.toISOString()}`);
      if (time < certificate.notBefore.getTime()) throw new CertificateChainError('ERR_CHAIN_NOT_YET_VALID', `"${certificate.subject}" is valid from ${certificate.notBefore.toISOString()}`);
      const unknown = extensions.critical.find((oid) => !PROCESSED.has(oid));
      if (unknown) throw new CertificateChainError('ERR_CHAIN_CRITICAL_EXTENSION', `"${certificate.subject}" has the unprocessed critical extension ${unknown}`);
    }
    const leaf = path[0]!.extensions;
    // RFC 5280 section 4.2.1.3 / 4.2.1.12: a TLS client key signs; the purpose, when stated, is clientAuth.
    if (leaf.keyUsage && !leaf.keyUsage.digitalSignature) throw new CertificateChainError('ERR_CHAIN_KEY_USAGE', 'the certificate key usage lacks digitalSignature');
    if (leaf.extendedKeyUsage && !leaf.extendedKeyUsage.includes(CLIENT_AUTH)) {
      throw new CertificateChainError('ERR_CHAIN_EXTENDED_KEY_USAGE', 'the certificate extended key usage lacks clientAuth');
    }
    path.slice(1).forEach(({ certificate, extensions }, index) => {
      // RFC 5280 section 6.1.4 (k), (m), (n): issuers are CAs allowed to sign certificates, within their path length.
      if (!extensions.basicConstraints?.ca) throw new CertificateChainError('ERR_CHAIN_NOT_CA', `"${certificate.subject}" is not a CA`);
      if (extensions.keyUsage && !extensions.keyUsage.keyCertSign) throw new CertificateChainError('ERR_CHAIN_KEY_USAGE', `"${certificate.subject}" lacks keyCertSign`);
      const pathLength = extensions.basicConstraints.pathLength;
      if (pathLength !== undefined && index > pathLength) {
        throw new CertificateChainError('ERR_CHAIN_PATH_LENGTH', `"${certificate.subject}" allows ${pathLength} intermediates below it, found ${index}`);
      }
    });
  }
}

