import type { ClientCertificatePreset } from './types.js';
import { opensslStyle } from './verification.js';

/**
 * Traefik's ingress-nginx compatibility (the Kubernetes Ingress NGINX provider, which reads the
 * same `auth-tls-*` annotations): it sends the ingress-nginx headers `Ssl-Client-Cert` in nginx's
 * `$ssl_client_escaped_cert` encoding and `Ssl-Client-Verify` (`SUCCESS` / `NONE` / `FAILED:reason`),
 * and clears them when no certificate arrives.
 * @see https://github.com/traefik/traefik/pull/13260
 */
export const traefikIngressNginx: ClientCertificatePreset = {
  proxy: 'Traefik, Kubernetes Ingress NGINX provider (auth-tls-* annotations)',
  header: 'ssl-client-cert',
  format: 'nginx',
  verification: { headers: ['ssl-client-verify'], read: opensslStyle },
  related: ['ssl-client-subject-dn', 'ssl-client-issuer-dn'],
};
