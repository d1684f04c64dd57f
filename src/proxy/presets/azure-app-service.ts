import type { ClientCertificatePreset } from './types.js';

/**
 * Azure App Service with client certificates enabled (`clientCertEnabled`, mode Required,
 * Optional or OptionalInteractiveUser): its front ends terminate TLS and send the leaf in
 * `X-ARR-ClientCert` as base64 DER. App Service does not validate the certificate ("your app code
 * is responsible for validating"), and the front ends are the only way to reach the app.
 * @see https://learn.microsoft.com/azure/app-service/app-service-web-configure-tls-mutual-auth
 */
export const azureAppService: ClientCertificatePreset = {
  proxy: 'Azure App Service (client certificate mode Required / Optional)',
  header: 'x-arr-clientcert',
  format: 'base64-der',
  verification: {
    unverifiable: 'App Service forwards the certificate without validating it, so no certificate is ever verified by it; validate it in the app (the issuer validates tls_client_auth chains)',
  },
};
