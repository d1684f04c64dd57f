import type { ClientCertificatePreset } from './types.js';

/**
 * Traefik's `passTLSClientCert` middleware with `pem: true`: `X-Forwarded-Tls-Client-Cert` holds
 * the client's certificates as bare base64 DER joined by `,`, leaf first (`sanitize`,
 * `getCertificates`; Traefik 2.9.1 and older URL-escaped the value, removed in 2c550c284d, v2.9.2:
 * such a value is refused as ERR_CERT_HEADER_ENCODING). Traefik sends no
 * verification result: whether a forwarded certificate was verified depends only on the TLS
 * option `clientAuth.clientAuthType` (`RequireAndVerifyClientCert` or `VerifyClientCertIfGiven`
 * verify; `RequestClientCert` and `RequireAnyClientCert` forward anything).
 * @see https://doc.traefik.io/traefik/middlewares/http/passtlsclientcert/
 */
export const traefik: ClientCertificatePreset = {
  proxy: 'Traefik (passTLSClientCert, pem: true)',
  header: 'x-forwarded-tls-client-cert',
  format: 'base64-der',
  verification: {
    unverifiable: "Traefik sends no verification result; verify in Traefik (tls options clientAuth.clientAuthType: RequireAndVerifyClientCert or VerifyClientCertIfGiven), then every forwarded certificate is verified",
  },
  related: ['x-forwarded-tls-client-cert-info'],
};
