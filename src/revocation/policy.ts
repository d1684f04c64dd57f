import type { RevocationAnswer } from './answer.js';

/** The verdict on one certificate of the path, from the answers its sources gave in order. */
export type CertificateVerdict =
  | { readonly kind: 'good'; readonly source: string; readonly until: number }
  | { readonly kind: 'revoked'; readonly source: string; readonly detail: string }
  /** No source could tell; `failClosed` when one of the misses refuses under soft-fail too. */
  | { readonly kind: 'unknown'; readonly reasons: readonly string[]; readonly failClosed: boolean };

/**
 * The first verified answer decides (revoked or good); misses are collected. A pure function: the
 * checker does the I/O, this decides.
 */
export function verdictOf(answers: readonly RevocationAnswer[]): CertificateVerdict {
  const reasons: string[] = [];
  let failClosed = false;
  for (const answer of answers) {
    if (answer.status === 'revoked') return { kind: 'revoked', source: answer.source, detail: answer.detail };
    if (answer.status === 'good') return { kind: 'good', source: answer.source, until: answer.until };
    reasons.push(`${answer.source}: ${answer.reason}`);
    failClosed ||= answer.failClosed === true;
  }
  if (reasons.length === 0) reasons.push('no CRL file covers its issuer, and it names no OCSP responder or CRL distribution point that is enabled');
  return { kind: 'unknown', reasons, failClosed };
}

/** Under which mode an unknown verdict refuses: hard-fail always; soft-fail only for a fail-closed miss (a stale CRL). */
export function refusesUnknown(mode: 'hard-fail' | 'soft-fail', verdict: { failClosed: boolean }): boolean {
  return mode === 'hard-fail' || verdict.failClosed;
}
