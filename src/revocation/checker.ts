import { LRUCache } from 'lru-cache';
import type { Certificate } from 'pkijs';
import type { ClientCertificate } from '../certificate/model.js';
import { pemToDerList } from '../certificate/pem.js';
import type { RevocationAnswer } from './answer.js';
import { ocspResponders } from './certificate-urls.js';
import { CrlDistributionPointSource } from './crl-distribution-points.js';
import { CrlFileSource } from './crl-files.js';
import { RevocationError } from './errors.js';
import { queryOcsp } from './ocsp.js';
import { compileRevocationOptions, type CompiledRevocationOptions, type RevocationCheckerOptions } from './options.js';
import { loadPkijs } from './pkijs.js';
import { refusesUnknown, verdictOf, type CertificateVerdict } from './policy.js';

/** What `check` established: the certificates checked, and those accepted under soft-fail without an answer. */
export interface RevocationCheckResult {
  readonly checked: number;
  readonly softFailed: readonly string[];
}

interface CachedVerdict {
  readonly verdict: CertificateVerdict & { kind: 'good' | 'revoked' };
  readonly until: number;
  readonly generation: number;
}

/**
 * Checks that no certificate of a validated path (leaf first, anchor last, as
 * `ChainValidator.validate()` returns it) is revoked, from CRL files, CRL distribution points and
 * OCSP responders. Each certificate is asked about with its issuer from the path, which also
 * verifies every CRL and OCSP signature (RFC 5280 section 6.3, RFC 6960 section 4.2.2.2).
 * Verdicts are cached per process until the answer's nextUpdate (they are re-fetchable: nothing
 * has to be shared between instances).
 * @throws {TypeError} at construction, for unknown or invalid options
 */
export class RevocationChecker {
  readonly #options: CompiledRevocationOptions;
  readonly #files: CrlFileSource | undefined;
  readonly #distributionPoints: CrlDistributionPointSource | undefined;
  readonly #cache: LRUCache<string, CachedVerdict> | undefined;
  readonly #inFlight = new Map<string, Promise<CertificateVerdict>>();
  #trustedResponders: Promise<Certificate[]> | undefined;

  constructor(options: RevocationCheckerOptions) {
    this.#options = compileRevocationOptions(options);
    const { logger, crlFileCheckIntervalMs, maxCrlBytes, timeoutMs, cacheSize, clockSkewMs } = this.#options;
    if (this.#options.crlFiles.length) this.#files = new CrlFileSource(this.#options.crlFiles, { checkIntervalMs: crlFileCheckIntervalMs, maxBytes: maxCrlBytes, clockSkewMs, logger });
    if (this.#options.crlDistributionPoints) this.#distributionPoints = new CrlDistributionPointSource({ timeoutMs, maxBytes: maxCrlBytes, cacheSize: Math.min(cacheSize, 1000), clockSkewMs });
    if (this.#options.ocspTrustedResponders !== undefined) {
      try {
        pemToDerList(this.#options.ocspTrustedResponders);
      } catch (error) {
        throw new TypeError(`RevocationChecker: ocspTrustedResponders: ${(error as Error).message}`);
      }
    }
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
  }

  /** `'hard-fail'` or `'soft-fail'`, as configured. */
  get mode(): 'hard-fail' | 'soft-fail' {
    return this.#options.mode;
  }

  /** Loads the CRL files now (they are otherwise loaded on first use); a broken file is logged, and its issuers then fail closed. */
  async load(): Promise<void> {
    await this.#files?.load();
    await loadPkijs();
  }

  /**
   * Checks the path. Resolves when no certificate is revoked and each has a verified answer (or,
   * under soft-fail, has none and the miss was logged).
   * @throws {RevocationError} `ERR_CHAIN_REVOKED`, or `ERR_REVOCATION_UNKNOWN` (hard-fail, or a stale CRL)
   */
  async check(path: readonly ClientCertificate[], now: Date = new Date()): Promise<RevocationCheckResult> {
    const time = now.getTime();
    await this.#files?.refresh();
    const last = this.#options.scope === 'leaf' ? Math.min(1, path.length - 1) : path.length - 1;
    const pairs: [ClientCertificate, ClientCertificate][] = [];
    for (let index = 0; index < last; index++) pairs.push([path[index]!, path[index + 1]!]);
    const verdicts = await Promise.all(pairs.map(([certificate, issuer]) => this.#verdict(certificate, issuer, time)));
    const softFailed: string[] = [];
    verdicts.forEach((verdict, index) => {
      const certificate = pairs[index]![0];
      if (verdict.kind === 'revoked') throw new RevocationError('ERR_CHAIN_REVOKED', `${verdict.detail} (${verdict.source})`);
      if (verdict.kind !== 'unknown') return;
      const reasons = verdict.reasons.join('; ').slice(0, 600);
      if (refusesUnknown(this.#options.mode, verdict)) {
        throw new RevocationError('ERR_REVOCATION_UNKNOWN', `no verified revocation status for "${certificate.subject}": ${reasons}`);
      }
      softFailed.push(certificate.subject);
      this.#options.logger.warn({ event: 'revocation_soft_fail', code: 'ERR_REVOCATION_UNKNOWN', subject: certificate.subject, serial: certificate.serialNumber, reason: reasons },
        'revocation status unknown: certificate accepted (soft-fail)');
    });
    return { checked: pairs.length, softFailed };
  }

  async #verdict(certificate: ClientCertificate, issuer: ClientCertificate, now: number): Promise<CertificateVerdict> {
    const key = `${certificate.thumbprint}.${issuer.thumbprint}`;
    const generation = this.#files?.generation ?? 0;
    const hit = this.#cache?.get(key);
    if (hit && hit.generation === generation && now <= hit.until) return hit.verdict;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#ask(certificate, issuer, now).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const verdict = await pending;
    if (verdict.kind === 'good') this.#cache?.set(key, { verdict, until: verdict.until, generation: this.#files?.generation ?? 0 });
    if (verdict.kind === 'revoked') this.#cache?.set(key, { verdict, until: Infinity, generation: this.#files?.generation ?? 0 });
    return verdict;
  }

  /** Asks the sources in order (CRL files, OCSP, distribution points); the first verified answer decides. */
  async #ask(certificate: ClientCertificate, issuer: ClientCertificate, now: number): Promise<CertificateVerdict> {
    const answers: RevocationAnswer[] = [];
    const decided = () => answers.some((answer) => answer.status !== 'miss');
    const fromFiles = await this.#files?.answer(certificate, issuer, now);
    if (fromFiles) answers.push(fromFiles);
    if (!decided() && this.#options.ocsp) {
      const urls = this.#options.ocspResponder ? [this.#options.ocspResponder] : await ocspResponders(certificate);
      for (const url of urls) {
        answers.push(await queryOcsp(url, certificate, issuer, now, {
          timeoutMs: this.#options.timeoutMs, maxBytes: this.#options.maxOcspResponseBytes, nonce: this.#options.ocspNonce, clockSkewMs: this.#options.clockSkewMs,
        }, await this.#responders()));
        if (decided()) break;
      }
    }
    if (!decided() && this.#distributionPoints) {
      const fromPoints = await this.#distributionPoints.answer(certificate, issuer, now);
      if (fromPoints) answers.push(fromPoints);
    }
    return verdictOf(answers);
  }

  #responders(): Promise<Certificate[]> {
    this.#trustedResponders ??= (async () => {
      if (this.#options.ocspTrustedResponders === undefined) return [];
      const pkijs = await loadPkijs();
      return pemToDerList(this.#options.ocspTrustedResponders).map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)));
    })();
    return this.#trustedResponders;
  }
}
