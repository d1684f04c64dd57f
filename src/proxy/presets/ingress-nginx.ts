import type { ClientCertificatePreset } from './types.js';
import { opensslStyleWithNames } from './verification.js';

/**
 * Kubernetes ingress-nginx with the annotations `nginx.ingress.kubernetes.io/auth-tls-secret`,
 * `auth-tls-verify-client` and `auth-tls-pass-certificate-to-upstream: "true"`. The controller
 * template (`rootfs/etc/nginx/template/nginx.tmpl`) sets `ssl-client-verify $ssl_client_verify`,
 * `ssl-client-subject-dn`, `ssl-client-issuer-dn` and, with the pass flag,
 * `ssl-client-cert $ssl_client_escaped_cert` (URL-encoded PEM, leaf only).
 * The template (as of March 2026) sets them only inside `{{ if not (empty $server.CertificateAuth.CAFileName) }}`
 * and `ssl-client-cert` only with the pass flag: hosts without `auth-tls-secret` clear none of them
 * (kubernetes/ingress-nginx#8299), and a verifying host without the pass flag forwards a client's
 * own `ssl-client-cert` next to a genuine `SUCCESS`. So `SUCCESS` also needs the certificate's
 * subject and issuer to equal the session's `ssl-client-subject-dn` / `ssl-client-issuer-dn`.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#client-certificate-authentication
 */
export const ingressNginx: ClientCertificatePreset = {
  proxy: 'Kubernetes ingress-nginx (auth-tls-* annotations)',
  header: 'ssl-client-cert',
  format: 'nginx',
  verification: { headers: ['ssl-client-verify', 'ssl-client-subject-dn', 'ssl-client-issuer-dn'], read: opensslStyleWithNames },
};
