import type { AppHeaders } from './forged.js';

/**
 * What each preset word means for doctor: the header names and format the app reads. A local
 * table until `clientCertificate({ preset })` ships its own (src/proxy/presets/).
 */
export const DOCTOR_PRESETS: Readonly<Record<string, AppHeaders>> = Object.freeze({
  nginx: { header: 'x-ssl-client-cert', format: 'nginx', verifyHeader: 'x-ssl-client-verify' },
  apache: { header: 'x-ssl-client-cert', format: 'apache', verifyHeader: 'x-ssl-client-verify', chainHeader: 'x-ssl-client-cert-chain-', chainIsNumbered: true },
  'ingress-nginx': { header: 'ssl-client-cert', format: 'nginx', verifyHeader: 'ssl-client-verify' },
  haproxy: { header: 'x-ssl-client-cert', format: 'base64-der', verifyHeader: 'x-ssl-client-verify' },
  caddy: { header: 'x-ssl-client-cert', format: 'base64-der' },
});
