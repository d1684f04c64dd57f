import type { ClientCertificatePreset } from './types.js';
import { opensslStyle } from './verification.js';

/**
 * Apache httpd with the shipped template (`mtls-pop render apache`):
 * `RequestHeader set X-SSL-Client-Cert "%{SSL_CLIENT_CERT}s"` (PEM, newlines as spaces, `(null)`
 * without a certificate), `X-SSL-Client-Verify` from `SSL_CLIENT_VERIFY` (`SUCCESS` / `NONE` /
 * `FAILED:reason` / `GENEROUS`) and `X-SSL-Client-Cert-Chain-0..3` from `SSL_CLIENT_CERT_CHAIN_n`.
 * Proven against Apache 2.4 in `npm test`.
 * @see https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#envvars
 */
export const apache: ClientCertificatePreset = {
  proxy: 'Apache httpd (mod_ssl SSLVerifyClient, SSL_CLIENT_CERT)',
  header: 'x-ssl-client-cert',
  format: 'apache',
  chainHeader: 'x-ssl-client-cert-chain-',
  verification: { headers: ['x-ssl-client-verify'], read: opensslStyle },
};
