import { CertificateHeaderError } from '../certificate/errors.js';

/**
 * A chain certificate that fails to decode or parse is `ERR_CERT_CHAIN_INVALID`, wherever the
 * chain travels (inside the value or in its own header), so callers see one code for one fault.
 */
export function asChainError(error: unknown): unknown {
  if (error instanceof CertificateHeaderError && error.code !== 'ERR_CERT_HEADER_TOO_LARGE' && error.code !== 'ERR_CERT_CHAIN_INVALID') {
    return new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', `chain: ${error.message}`);
  }
  return error;
}

/** Runs `decode` on chain input, turning its decoding errors into `ERR_CERT_CHAIN_INVALID`. */
export function decodingChain<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw asChainError(error);
  }
}
