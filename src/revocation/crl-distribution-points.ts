import { LRUCache } from 'lru-cache';
import type { ClientCertificate } from '../certificate/model.js';
import { miss, type RevocationAnswer } from './answer.js';
import { crlDistributionPoints } from './certificate-urls.js';
import { crlAnswer, crlDerList, crlIsFrom, crlScopeMismatch, parseCrl, type ParsedCrl } from './crl.js';
import { boundedFetch } from './http.js';

/**
 * CRLs fetched from the certificate's own distribution points over HTTP, each kept until its
 * nextUpdate (per process: a CRL is re-fetchable, so nothing needs sharing across instances).
 * Concurrent requests for one URL share one fetch.
 */
export class CrlDistributionPointSource {
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #cache: LRUCache<string, ParsedCrl>;
  readonly #inFlight = new Map<string, Promise<ParsedCrl>>();
  readonly #clockSkewMs: number;

  constructor(options: { timeoutMs: number; maxBytes: number; cacheSize: number; clockSkewMs: number }) {
    this.#clockSkewMs = options.clockSkewMs;
    this.#timeoutMs = options.timeoutMs;
    this.#maxBytes = options.maxBytes;
    this.#cache = new LRUCache({ max: Math.max(1, options.cacheSize) });
  }

  async #crl(url: URL, now: number): Promise<ParsedCrl> {
    const key = url.href;
    const cached = this.#cache.get(key);
    if (cached && cached.nextUpdate && cached.nextUpdate.getTime() >= now) return cached;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        const body = await boundedFetch({ url, method: 'GET', accept: 'application/pkix-crl', timeoutMs: this.#timeoutMs, maxBytes: this.#maxBytes });
        const [der] = crlDerList(body);
        return parseCrl(der!);
      })().finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const parsed = await pending;
    this.#cache.set(key, parsed);
    return parsed;
  }

  /** The answer of the first distribution point that gives a CRL of `issuer`, or undefined when the certificate names none. */
  async answer(certificate: ClientCertificate, issuer: ClientCertificate, now: number): Promise<RevocationAnswer | undefined> {
    const urls = await crlDistributionPoints(certificate);
    if (urls.length === 0) return undefined;
    const reasons: string[] = [];
    for (const url of urls) {
      let parsed: ParsedCrl;
      try {
        parsed = await this.#crl(url, now);
      } catch (error) {
        reasons.push(`${url.origin}${url.pathname}: ${(error as Error).message}`);
        continue;
      }
      // RFC 5280 section 6.3.3 (f): the CRL must verify with the issuer's key, wherever it was fetched from.
      if (!(await crlIsFrom(parsed, issuer))) {
        reasons.push(`${url.origin}${url.pathname}: not a CRL signed by "${issuer.subject}"`);
        continue;
      }
      const mismatch = await crlScopeMismatch(parsed, certificate);
      if (mismatch) {
        reasons.push(`${url.origin}${url.pathname}: ${mismatch}`);
        continue;
      }
      return crlAnswer(parsed, certificate, now, `crl-distribution-point ${url.href}`, this.#clockSkewMs);
    }
    return miss('crl-distribution-point', reasons.join('; '));
  }
}
