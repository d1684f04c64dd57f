import type { ClientCertificatePreset } from './types.js';

/**
 * Istio: the app's sidecar appends to `x-forwarded-client-cert` one element for the mesh peer it
 * verified (sidecar inbound `forward_client_cert_details` is `APPEND_FORWARD`, Subject, URI and DNS
 * by default, pilot/pkg/networking/core `buildSidecarInboundHTTPOpts`). Only that last element is
 * read; earlier ones (an ingress gateway's, a client's own) are not believed. The sidecar includes
 * the certificate only with `proxyHeaders.setCurrentClientCertDetails.cert: true` in the workload's
 * ProxyConfig; without it every request is refused (the last element has no `Cert`).
 * Istio sends no verification result: the mesh's mTLS (PeerAuthentication `STRICT`) verifies the
 * peer against the mesh CA, and a plain-text request gets no XFCC from the sidecar.
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig-ProxyHeaders
 */
export const istio: ClientCertificatePreset = {
  proxy: 'Istio sidecar (APPEND_FORWARD, the element for the verified mesh peer)',
  header: 'x-forwarded-client-cert',
  format: 'xfcc',
  verification: {
    unverifiable: 'Istio sends no verification result; the mesh verifies its peers (PeerAuthentication mtls.mode STRICT), then the last x-forwarded-client-cert element describes a verified peer',
  },
};
