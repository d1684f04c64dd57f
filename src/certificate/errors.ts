/**
 * Why a forwarded certificate (or a certificate from any source) was refused.
 * The codes are a string-literal union so that `switch (error.code)` narrows.
 */
export type CertificateErrorCode =
  /** The header is present but empty. */
  | 'ERR_CERT_HEADER_EMPTY'
  /** The header arrived more than once. */
  | 'ERR_CERT_HEADER_DUPLICATE'
  /** The header (or the chain) is larger than the configured cap. */
  | 'ERR_CERT_HEADER_TOO_LARGE'
  /** Bad percent-encoding, base64 or structured-field syntax. */
  | 'ERR_CERT_HEADER_ENCODING'
  /** The value is not what the declared format produces (or `auto` recognised nothing). */
  | 'ERR_CERT_HEADER_FORMAT'
  /** Bytes follow the certificate. */
  | 'ERR_CERT_HEADER_TRAILING_DATA'
  /** More than one certificate where exactly one is allowed. */
  | 'ERR_CERT_HEADER_MULTIPLE'
  /** The proxy said there is no certificate (Apache's literal `(null)`). */
  | 'ERR_CERT_HEADER_ABSENT'
  /** The DER bytes are not one X.509 certificate. */
  | 'ERR_CERT_INVALID'
  /** The bytes parse as a certificate but are not its DER encoding (BER leniency: a second thumbprint for one certificate). */
  | 'ERR_CERT_NOT_DER'
  /** A certificate of the forwarded chain is not valid. */
  | 'ERR_CERT_CHAIN_INVALID'
  /** The proxy's verify header contradicts the certificate header (`NONE` with a certificate, `SUCCESS` without). */
  | 'ERR_CERT_VERIFY_MISMATCH'
  /**
   * A forwarding header arrived under a spelling the proxy may not have cleared: `_` for `-`
   * (Apache passes such names through) or a chain header numbered past what the templates set.
   */
  | 'ERR_CERT_HEADER_NAME';

/** Hostile or broken certificate input. Never thrown for programmer misuse (that is a `TypeError`). */
export class CertificateHeaderError extends Error {
  override readonly name = 'CertificateHeaderError';
  readonly code: CertificateErrorCode;

  constructor(code: CertificateErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
