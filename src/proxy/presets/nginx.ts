import type { ClientCertificatePreset } from './types.js';
import { opensslStyle } from './verification.js';

/**
 * nginx with the shipped template (`mtls-pop render nginx`):
 * `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;` (URL-encoded PEM, leaf only)
 * and `proxy_set_header X-SSL-Client-Verify $ssl_client_verify;` (`SUCCESS` / `NONE` / `FAILED:reason`).
 * nginx cannot forward the client's chain. Proven against nginx 1.22 in `npm test`.
 * @see https://nginx.org/en/docs/http/ngx_http_ssl_module.html#var_ssl_client_escaped_cert
 */
export const nginx: ClientCertificatePreset = {
  proxy: 'nginx (ssl_verify_client, $ssl_client_escaped_cert)',
  header: 'x-ssl-client-cert',
  format: 'nginx',
  verification: { headers: ['x-ssl-client-verify'], read: opensslStyle },
};
