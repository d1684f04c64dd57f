import type { ClientCertificatePreset } from './types.js';
import { chainVerified } from './verification.js';

/**
 * Google Cloud Application Load Balancer mTLS (a ServerTLSPolicy with a TrustConfig), with the
 * backend service's custom request headers `X-Client-Cert-Leaf:{client_cert_leaf}`,
 * `X-Client-Cert-Chain:{client_cert_chain}` (RFC 9440 byte sequences, chain leaf excluded),
 * `X-Client-Cert-Chain-Verified:{client_cert_chain_verified}` (`true` / `false`) and
 * `X-Client-Cert-Error:{client_cert_error}`. The leaf and chain are filled only "for an established
 * mTLS connection where the certificate passed validation", so under `clientValidationMode:
 * ALLOW_INVALID_OR_MISSING_CLIENT_CERT` an invalid certificate arrives as none; still only `true` is
 * `SUCCESS`. "Headers added by the load balancer overwrite any existing headers that have the same
 * name." The header names are the deployer's choice; these are the ones Google's examples use.
 * @see https://cloud.google.com/load-balancing/docs/https/custom-headers#mtls-variables
 */
export const gcp: ClientCertificatePreset = {
  proxy: 'Google Cloud Application Load Balancer mTLS (custom request headers)',
  header: 'x-client-cert-leaf',
  format: 'rfc9440',
  chainHeader: 'x-client-cert-chain',
  verification: { headers: ['x-client-cert-chain-verified', 'x-client-cert-error'], read: chainVerified },
  related: ['x-client-cert-present', 'x-client-cert-hash', 'x-client-cert-spiffe', 'x-client-cert-uri-sans', 'x-client-cert-dnsname-sans', 'x-client-cert-serial-number'],
};
