/** What one revocation source says about one certificate of a validated path. */
export type RevocationAnswer =
  /** Verified: not revoked; believable until `until` (epoch ms, the answer's nextUpdate). */
  | { readonly status: 'good'; readonly source: string; readonly until: number }
  /** Verified: revoked. */
  | { readonly status: 'revoked'; readonly source: string; readonly detail: string }
  /**
   * No usable answer. `failClosed` marks a miss that refuses even under soft-fail (a CRL past its
   * nextUpdate). `until` (epoch ms), when set, is how long the miss may be remembered.
   */
  | { readonly status: 'miss'; readonly source: string; readonly reason: string; readonly failClosed?: boolean; readonly until?: number };

export const miss = (source: string, reason: string, failClosed = false): RevocationAnswer => ({ status: 'miss', source, reason, failClosed });
