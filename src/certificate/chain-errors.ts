/** Why a certificate does not chain to a trust anchor. A string-literal union: `switch` narrows. */
export type ChainErrorCode =
  /** The forwarded chain, or the path built, is longer than `maxChainLength`. */
  | 'ERR_CHAIN_TOO_LONG'
  /** No path to a configured trust anchor (unknown CA, missing intermediate, bad signature). */
  | 'ERR_CHAIN_UNTRUSTED'
  /** The certificate names itself as its issuer and is not issued by any trust anchor. */
  | 'ERR_CHAIN_SELF_SIGNED'
  /** A certificate of the path is past its notAfter. */
  | 'ERR_CHAIN_EXPIRED'
  /** A certificate of the path is before its notBefore. */
  | 'ERR_CHAIN_NOT_YET_VALID'
  /** An issuer lacks basicConstraints cA=TRUE. */
  | 'ERR_CHAIN_NOT_CA'
  /** An issuer lacks keyCertSign, or the leaf lacks digitalSignature. */
  | 'ERR_CHAIN_KEY_USAGE'
  /** The leaf's extKeyUsage (or Netscape certificate type) does not allow clientAuth, or a CA's extKeyUsage does not include it. */
  | 'ERR_CHAIN_EXTENDED_KEY_USAGE'
  /** An issuer's pathLenConstraint is exceeded. */
  | 'ERR_CHAIN_PATH_LENGTH'
  /** A certificate carries a critical extension this validator does not process. */
  | 'ERR_CHAIN_CRITICAL_EXTENSION'
  /** A name of a certificate lies outside an issuer's nameConstraints (or cannot be compared with them). */
  | 'ERR_CHAIN_NAME_CONSTRAINTS'
  /** A CA's policyConstraints require an explicit policy that the path does not carry. */
  | 'ERR_CHAIN_POLICY'
  /** The only candidate issuers have public keys outside the accepted bounds (see `issuerKeyProblem`). */
  | 'ERR_CHAIN_KEY_UNSUPPORTED'
  /** A certificate breaks an RFC 5280 profile rule that OpenSSL's `-x509_strict` enforces (missing key identifiers, a non-critical CA basicConstraints...). */
  | 'ERR_CHAIN_PROFILE'
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
