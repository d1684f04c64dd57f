import { LRUCache } from 'lru-cache';
import { CertificateChainError } from './chain-errors.js';
import { link, toLinks, type CertificateInput, type Link } from './link.js';
import type { ClientCertificate } from './model.js';
import { checkPath, checkValidity } from './path-checks.js';
import { PathBuilder } from './path-builder.js';

export { CertificateChainError, type ChainErrorCode } from './chain-errors.js';
export type { CertificateInput } from './link.js';

export interface ChainValidatorOptions {
  /** The CAs that client certificates must chain to. Required, at least one. */
  trustAnchors: CertificateInput;
  /** Intermediates to use when the client (or the proxy) does not send them. Default none. */
  intermediates?: CertificateInput;
  /** Most certificates in a path, leaf and anchor included; also caps the forwarded chain. Default 5. */
  maxChainLength?: number;
  /**
   * Chains remembered (keyed by the thumbprints of the leaf and the forwarded chain), with their
   * built path or the reason they were refused; validity periods are re-checked on every hit. Default 1000.
   */
  cacheSize?: number;
}

/** A validated path: `path[0]` is the leaf, the last element the trust anchor. */
export interface ChainValidationResult {
  readonly path: readonly ClientCertificate[];
  readonly anchor: ClientCertificate;
}

/** What a chain's validation settled, apart from the clock: a refusal, or a path to re-check for validity. */
type Settled = { readonly error: CertificateChainError } | { readonly links: readonly Link[]; readonly result: ChainValidationResult };

const OPTION_NAMES = ['trustAnchors', 'intermediates', 'maxChainLength', 'cacheSize'];

/**
 * Validates client certificates against configured trust anchors (RFC 8705 section 2.1: "the
 * certificate chain is validated" under RFC 5280 section 6 rules): signatures, validity of every
 * link, CA and keyCertSign on issuers, pathLenConstraint, nameConstraints, policyConstraints,
 * unknown critical extensions on every certificate, digitalSignature and the clientAuth purpose on
 * the leaf and clientAuth in any CA's stated extKeyUsage (as `openssl verify -purpose sslclient`).
 * Revocation (CRL/OCSP) is not checked here. Synchronous: no I/O.
 */
export class ChainValidator {
  readonly #builder: PathBuilder;
  readonly #maxChainLength: number;
  readonly #cache: LRUCache<string, Settled> | undefined;

  constructor(options: ChainValidatorOptions) {
    if (!options || typeof options !== 'object') throw new TypeError('ChainValidator needs { trustAnchors }');
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new TypeError(`unknown ChainValidator option "${key}"; known: ${OPTION_NAMES.join(', ')}`);
    }
    const anchors = toLinks(options.trustAnchors, 'trustAnchors', true);
    if (anchors.length === 0) throw new TypeError('trustAnchors must hold at least one CA certificate');
    const intermediates = toLinks(options.intermediates, 'intermediates', true);
    this.#maxChainLength = options.maxChainLength ?? 5;
    if (!Number.isInteger(this.#maxChainLength) || this.#maxChainLength < 2 || this.#maxChainLength > 16) {
      throw new TypeError('maxChainLength must be an integer from 2 to 16');
    }
    const cacheSize = options.cacheSize ?? 1000;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new TypeError('cacheSize must be a non-negative integer');
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
    this.#builder = new PathBuilder(anchors, intermediates, this.#maxChainLength, cacheSize);
  }

  /**
   * The validated path of `certificate` (its forwarded chain plus the configured intermediates),
   * leaf first and trust anchor last.
   * @throws {CertificateChainError} with a `ChainErrorCode`
   */
  validate(certificate: ClientCertificate, now: Date = new Date()): ChainValidationResult {
    if (certificate.chain.length >= this.#maxChainLength) {
      throw new CertificateChainError('ERR_CHAIN_TOO_LONG', `the forwarded chain has ${certificate.chain.length} certificates`);
    }
    const key = [certificate.thumbprint, ...certificate.chain.map((item) => item.thumbprint)].join('.');
    let settled = this.#cache?.get(key);
    if (!settled) {
      settled = this.#settle(certificate);
      this.#cache?.set(key, settled);
    }
    if ('error' in settled) throw settled.error;
    checkValidity(settled.links, now.getTime());
    return settled.result;
  }

  #settle(certificate: ClientCertificate): Settled {
    try {
      const links = this.#builder.build(link(certificate), certificate.chain.map(link));
      checkPath(links);
      const path = links.map((item) => item.certificate);
      return { links, result: { path, anchor: path[path.length - 1]! } };
    } catch (error) {
      if (error instanceof CertificateChainError) return { error };
      throw error;
    }
  }
}
