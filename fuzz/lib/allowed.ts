import { CertificateHeaderError, type CertificateErrorCode } from '../../src/certificate/errors.js';

// A Record over the union, so that tsc fails here when a code is added and not listed.
const CODES: Record<CertificateErrorCode, true> = {
  ERR_CERT_HEADER_EMPTY: true,
  ERR_CERT_HEADER_DUPLICATE: true,
  ERR_CERT_HEADER_TOO_LARGE: true,
  ERR_CERT_HEADER_ENCODING: true,
  ERR_CERT_HEADER_FORMAT: true,
  ERR_CERT_HEADER_TRAILING_DATA: true,
  ERR_CERT_HEADER_MULTIPLE: true,
  ERR_CERT_HEADER_ABSENT: true,
  ERR_CERT_INVALID: true,
  ERR_CERT_NOT_DER: true,
  ERR_CERT_CHAIN_INVALID: true,
  ERR_CERT_VERIFY_MISMATCH: true,
  ERR_CERT_HEADER_NAME: true,
};

/** Every code of the CertificateErrorCode union: a thrown code outside it is a finding. */
export const CERTIFICATE_ERROR_CODES: ReadonlySet<string> = new Set(Object.keys(CODES));

/** A CertificateHeaderError whose code is in the union and, when given, in `codes`. */
export function isCertificateError(error: unknown, codes?: readonly CertificateErrorCode[]): error is CertificateHeaderError {
  if (!(error instanceof CertificateHeaderError) || !CERTIFICATE_ERROR_CODES.has(error.code)) return false;
  return codes === undefined || codes.includes(error.code);
}
