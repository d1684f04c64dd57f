import { CertificateHeaderError } from '../certificate/errors.js';
import { decodeBase64Strict } from '../certificate/pem.js';
import { singlePem } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';

/** How base64 of `-----BEGIN` starts: a DER certificate's base64 starts `MI`, so the two never meet. */
export const BASE64_PEM_PREFIX = 'LS0tLS1CRUdJTi';

/**
 * Base64 of the PEM text, armour and newlines included: Fastly's
 * `tls.client.certificate.raw_certificate_b64` ("a base64 encoded string of the X509 PEM format
 * certificate", at most 4 KiB). Standard padded base64 (RFC 4648 section 4), no whitespace; the
 * text inside must be exactly one PEM certificate.
 */
export const base64Pem: FormatDecoder = {
  decode(value) {
    const text = decodeBase64Strict(value).toString('latin1');
    if (!text.startsWith('-----BEGIN CERTIFICATE-----')) {
      throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'the base64 does not hold PEM text; base64 of DER is format base64-der');
    }
    return singlePem(text);
  },
};
