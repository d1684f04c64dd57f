import type { ClientCertificatePreset } from './types.js';

/**
 * Azure App Service with client certificates enabled (`clientCertEnabled`, mode Required): its
 * front ends terminate TLS and send the leaf in `X-ARR-ClientCert` as base64 DER. App Service "does
 * not do anything with this client certificate other than forwarding it to your app. Your app code
 * is responsible for validating the client certificate." A report (MicrosoftDocs/azure-docs#111230)
 * says the Optional and Allowed modes forward a certificate without a proof of its private key:
 * use Required.
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
