import type { ClientCertificatePreset } from './types.js';
import { opensslStyle } from './verification.js';

/**
 * Kubernetes ingress-nginx with the annotations `nginx.ingress.kubernetes.io/auth-tls-secret`,
 * `auth-tls-verify-client` and `auth-tls-pass-certificate-to-upstream: "true"`. The controller
 * template (`rootfs/etc/nginx/template/nginx.tmpl`) sets `ssl-client-verify $ssl_client_verify`,
 * `ssl-client-subject-dn`, `ssl-client-issuer-dn` and, with the pass flag,
 * `ssl-client-cert $ssl_client_escaped_cert` (URL-encoded PEM, leaf only).
 * Server blocks without `auth-tls-secret` do not clear these names (kubernetes/ingress-nginx#8299):
 * clear them with a configuration snippet on every other host of the controller.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#client-certificate-authentication
 */
export const ingressNginx: ClientCertificatePreset = {
  proxy: 'Kubernetes ingress-nginx (auth-tls-* annotations)',
  header: 'ssl-client-cert',
  format: 'nginx',
  verification: { headers: ['ssl-client-verify'], read: opensslStyle },
  related: ['ssl-client-subject-dn', 'ssl-client-issuer-dn'],
};
