import type { ClientCertificatePreset } from './types.js';

/**
 * Envoy at the edge: `forward_client_cert_details: SANITIZE_SET` and
 * `set_current_client_cert_details: { cert: true, chain: true }` on the HTTP connection manager.
 * Envoy then replaces any client copy of `x-forwarded-client-cert` with one element for this
 * connection: `Hash=<sha256 hex>;Cert="<URL-encoded PEM>";Chain="<URL-encoded PEMs, leaf first>"`
 * (source/common/http/conn_manager_utility.cc `mutateXfccRequestHeader`; PEM escaped by
 * `PercentEncoding::urlEncode`, older releases by replacing `\n`, space, `+`, `/`, `=`). With
 * `APPEND_FORWARD` the earlier elements come from further away: only the last one is read.
 * Envoy sends no verification result: with a `validation_context` (`trusted_ca`, and not
 * `trust_chain_verification: ACCEPT_UNTRUSTED`) a certificate that does not verify fails the handshake.
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#x-forwarded-client-cert
 */
export const envoy: ClientCertificatePreset = {
  proxy: 'Envoy (forward_client_cert_details SANITIZE_SET, x-forwarded-client-cert)',
  header: 'x-forwarded-client-cert',
  format: 'xfcc',
  verification: {
    unverifiable: "Envoy sends no verification result; verify in Envoy (a validation_context with trusted_ca, without trust_chain_verification: ACCEPT_UNTRUSTED), then every certificate in the header was verified",
  },
};
