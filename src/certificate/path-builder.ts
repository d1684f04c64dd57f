import { LRUCache } from 'lru-cache';
import { CertificateChainError } from './chain-errors.js';
import type { Link } from './link.js';

/** Most signature checks spent on one step of the path (one child, its candidate issuers). */
export const MAX_SIGNATURE_CHECKS_PER_STEP = 4;

function index(links: readonly Link[]): Map<string, Link[]> {
  const map = new Map<string, Link[]>();
  for (const item of links) {
    const list = map.get(item.subjectKey) ?? [];
    if (!list.some((known) => known.certificate.thumbprint === item.certificate.thumbprint)) list.push(item);
    map.set(item.subjectKey, list);
  }
  return map;
}

/**
 * Builds a path from a leaf to a trust anchor (RFC 4158 in its simplest form): at each step the
 * anchors first, then the forwarded chain, then the configured intermediates; a candidate must
 * carry the child's issuer name (RFC 5280 section 6.1.3 (a)(4)), a subjectKeyIdentifier equal to
 * the child's authorityKeyIdentifier when both are present, a key within bounds, and verify the
 * child's signature. Among candidates that verify, the one with the latest notAfter wins, so that
 * a renewed CA is preferred to its expired predecessor without the choice depending on the clock.
 */
export class PathBuilder {
  readonly #anchors: Map<string, Link[]>;
  readonly #intermediates: Map<string, Link[]>;
  readonly #maxLength: number;
  readonly #signatures: LRUCache<string, boolean> | undefined;

  constructor(anchors: readonly Link[], intermediates: readonly Link[], maxLength: number, cacheSize: number) {
    this.#anchors = index(anchors);
    this.#intermediates = index(intermediates);
    this.#maxLength = maxLength;
    this.#signatures = cacheSize > 0 ? new LRUCache({ max: cacheSize * 4 }) : undefined;
  }

  /** @throws {CertificateChainError} `ERR_CHAIN_UNTRUSTED`, `ERR_CHAIN_SELF_SIGNED`, `ERR_CHAIN_KEY_UNSUPPORTED`, `ERR_CHAIN_TOO_LONG` */
  build(leaf: Link, forwarded: readonly Link[]): Link[] {
    const sent = index(forwarded);
    const path = [leaf];
    while (path.length < this.#maxLength) {
      const child = path[path.length - 1]!;
      const anchor = this.#issuer(child, this.#anchors.get(child.issuerKey) ?? [], []);
      if (anchor.issuer) return [...path, anchor.issuer];
      const candidates = [...sent.get(child.issuerKey) ?? [], ...this.#intermediates.get(child.issuerKey) ?? []];
      const next = this.#issuer(child, candidates, path);
      if (!next.issuer) {
        const keyProblem = anchor.keyProblem ?? next.keyProblem;
        if (keyProblem) throw new CertificateChainError('ERR_CHAIN_KEY_UNSUPPORTED', `the issuer of "${child.certificate.subject}" has ${keyProblem}`);
        if (path.length === 1 && leaf.selfIssued) throw new CertificateChainError('ERR_CHAIN_SELF_SIGNED', 'the certificate is self-signed');
        throw new CertificateChainError('ERR_CHAIN_UNTRUSTED', `no trusted issuer for "${child.certificate.subject}"`);
      }
      path.push(next.issuer);
    }
    throw new CertificateChainError('ERR_CHAIN_TOO_LONG', `no trust anchor within ${this.#maxLength} certificates`);
  }

  #issuer(child: Link, candidates: readonly Link[], path: readonly Link[]): { issuer?: Link; keyProblem?: string } {
    let best: Link | undefined;
    let keyProblem: string | undefined;
    let checks = 0;
    const wanted = child.extensions.authorityKeyIdentifier?.keyIdentifier;
    for (const candidate of candidates) {
      if (path.some((seen) => seen.certificate.thumbprint === candidate.certificate.thumbprint)) continue;
      const offered = candidate.extensions.subjectKeyIdentifier;
      // OpenSSL's X509_check_issued: a stated key identifier that differs rules the candidate out.
      if (wanted && offered && !wanted.equals(offered)) continue;
      // Key bounds before any signature work: an RSA-16384 key with a huge exponent costs milliseconds.
      const problem = candidate.keyProblem();
      if (problem) {
        keyProblem ??= problem;
        continue;
      }
      if (checks++ >= MAX_SIGNATURE_CHECKS_PER_STEP) break;
      if (!this.#verifies(child, candidate)) continue;
      if (!best || candidate.certificate.notAfter > best.certificate.notAfter) best = candidate;
    }
    return best ? { issuer: best } : keyProblem ? { keyProblem } : {};
  }

  #verifies(child: Link, issuer: Link): boolean {
    const key = `${child.certificate.thumbprint}>${issuer.certificate.thumbprint}`;
    let verified = this.#signatures?.get(key);
    if (verified === undefined) {
      try {
        verified = child.certificate.x509.verify(issuer.certificate.publicKey);
      } catch {
        verified = false;
      }
      this.#signatures?.set(key, verified);
    }
    return verified;
  }
}
