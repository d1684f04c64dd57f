import type { ClientCertificatePreset } from './types.js';
import { oneOrZero } from './verification.js';

/**
 * Fastly (VCL) with mutual TLS on the TLS configuration: in `vcl_recv`,
 * `unset` every client copy, then `set req.http.X-Fastly-Client-Cert =
 * tls.client.certificate.raw_certificate_b64;` (base64 of the PEM text, at most 4 KiB: format
 * `base64-pem`) and `set req.http.X-Fastly-Client-Cert-Verified =
 * if(tls.client.certificate.is_verified, "1", "0");`, both only when a certificate came.
 * `is_verified` is "true if this connection is mutual TLS and the client certificate chain was
 * verified correctly".
 * @see https://www.fastly.com/documentation/reference/vcl/variables/client-connection/tls-client-certificate-raw-certificate-b64/
 * @see https://www.fastly.com/documentation/reference/vcl/variables/client-connection/tls-client-certificate-is-verified/
 */
export const fastly: ClientCertificatePreset = {
  proxy: 'Fastly VCL (tls.client.certificate.raw_certificate_b64, is_verified)',
  header: 'x-fastly-client-cert',
  format: 'base64-pem',
  verification: { headers: ['x-fastly-client-cert-verified'], read: oneOrZero },
};
