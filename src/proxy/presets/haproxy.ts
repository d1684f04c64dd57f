import type { ClientCertificatePreset } from './types.js';
import { opensslVerifyCode } from './verification.js';

/**
 * HAProxy with `http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64] if { ssl_c_used }`
 * and `http-request set-header X-SSL-Client-Verify %[ssl_c_verify] if { ssl_c_used }` after
 * `http-request del-header` of every client copy (HAProxy strips nothing by itself).
 * `ssl_c_verify` is OpenSSL's `X509_V_*` code, `0` for success (measured: 18 self-signed,
 * 21 unable to verify the first certificate, 10 expired); it is also `0` without a certificate.
 * @see https://docs.haproxy.org/2.6/configuration.html#7.3.4-ssl_c_verify
 */
export const haproxy: ClientCertificatePreset = {
  proxy: 'HAProxy (ssl_c_der, ssl_c_verify)',
  header: 'x-ssl-client-cert',
  format: 'base64-der',
  verification: { headers: ['x-ssl-client-verify'], read: opensslVerifyCode },
};
