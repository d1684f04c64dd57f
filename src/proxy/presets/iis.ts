import type { ClientCertificatePreset } from './types.js';

/**
 * IIS with Application Request Routing and the shipped `web.config` (`mtls-pop render iis`): ARR
 * sends `X-ARR-ClientCert`, the leaf's DER as base64, no chain and no verification result. With
 * the site's SSL settings on "Require" client certificates (`sslFlags="Ssl, SslRequireCert"`) IIS
 * answers 403.16 to a certificate that does not chain to a trusted root before ARR forwards anything.
 * @see https://learn.microsoft.com/iis/extensions/planning-for-arr/using-the-application-request-routing-module
 */
export const iis: ClientCertificatePreset = {
  proxy: 'IIS with Application Request Routing (X-ARR-ClientCert)',
  header: 'x-arr-clientcert',
  format: 'base64-der',
  verification: {
    unverifiable: 'IIS/ARR sends no verification result; require client certificates in the site\'s SSL settings (sslFlags "Ssl, SslRequireCert"), then IIS refuses (403.16) certificates that do not chain to a trusted root',
  },
};
