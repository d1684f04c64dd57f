/**
 * Why a client certificate was refused after its path validated. A string-literal union, so that
 * `switch (error.code)` narrows.
 */
export type RevocationErrorCode =
  /** A CRL or an OCSP answer, verified against the issuer, says a certificate of the path is revoked. */
  | 'ERR_CHAIN_REVOKED'
  /**
   * No verified answer for a certificate of the path (responder down, slow, `unknown`, bad
   * signature, answer too large, no CRL covers it) under `mode: 'hard-fail'`, or a CRL past its
   * nextUpdate (fails closed in either mode).
   */
  | 'ERR_REVOCATION_UNKNOWN';

/** A certificate refused by the revocation check. Never thrown for misuse (that is a `TypeError`). */
export class RevocationError extends Error {
  override readonly name = 'RevocationError';
  readonly code: RevocationErrorCode;
  constructor(code: RevocationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
