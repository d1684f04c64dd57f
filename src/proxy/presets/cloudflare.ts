import type { ClientCertificatePreset } from './types.js';
import { verifiedNotRevoked } from './verification.js';

/**
 * Cloudflare mTLS (API Shield / Access client certificates) forwarding RFC 9440 headers:
 * request header transform rules that remove every client copy of `Client-Cert` and
 * `Client-Cert-Chain` and set them from `cf.tls_client_auth.cert_rfc9440` / `cert_chain_rfc9440`,
 * plus the Managed Transform "Add TLS client auth headers" for `cf-cert-verified` and
 * `cf-cert-revoked`. Cloudflare fills the certificate fields "regardless of the certificate
 * validation result" and `cert_verified` stays true for a revoked certificate, so `SUCCESS` needs
 * verified and not revoked. `Cf-Client-Cert-Der-Base64` (Access `client_certificate_forwarding`)
 * is sent on the first request of a connection only: not usable for per-request authentication.
 * @see https://developers.cloudflare.com/ssl/client-certificates/forward-a-client-certificate/
 * @see https://developers.cloudflare.com/rules/transform/managed-transforms/reference/
 */
export const cloudflare: ClientCertificatePreset = {
  proxy: 'Cloudflare (transform rules with cf.tls_client_auth.cert_rfc9440, Managed Transform "Add TLS client auth headers")',
  header: 'client-cert',
  format: 'rfc9440',
  chainHeader: 'client-cert-chain',
  verification: { headers: ['cf-cert-verified', 'cf-cert-revoked'], read: verifiedNotRevoked },
  related: ['cf-cert-presented', 'cf-cert-subject-dn', 'cf-cert-issuer-dn', 'cf-cert-subject-dn-rfc2253', 'cf-cert-issuer-dn-rfc2253', 'cf-cert-fingerprint-sha256', 'cf-cert-serial', 'cf-client-cert-der-base64', 'cf-client-cert-sha256'],
};
