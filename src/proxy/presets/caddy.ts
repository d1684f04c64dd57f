import type { ClientCertificatePreset } from './types.js';

/**
 * Caddy's `reverse_proxy` with `header_up X-SSL-Client-Cert
 * {http.request.tls.client.certificate_der_base64}` (base64 DER, leaf only), set only when the
 * placeholder is non-empty: unguarded, Caddy sends the placeholder text when no certificate came,
 * which this middleware answers 400. Caddy sends no verification result: the `client_auth` mode
 * (`require_and_verify`, `verify_if_given`) decides whether a forwarded certificate was verified.
 * The value is `base64.StdEncoding.EncodeToString(cert.Raw)` (modules/caddyhttp/replacer.go).
 * @see https://caddyserver.com/docs/modules/http#docs-placeholders
 */
export const caddy: ClientCertificatePreset = {
  proxy: 'Caddy (reverse_proxy header_up, certificate_der_base64)',
  header: 'x-ssl-client-cert',
  format: 'base64-der',
  verification: {
    unverifiable: 'Caddy sends no verification result; verify in Caddy (tls client_auth mode require_and_verify or verify_if_given), then every forwarded certificate is verified',
  },
};
