import type { ClientCertificatePreset } from './types.js';

/**
 * AWS Application Load Balancer, mutual TLS passthrough mode: `X-Amzn-Mtls-Clientcert` is the
 * whole chain the client sent, leaf first, as URL-encoded PEM with `+=/` literal. The load balancer
 * verifies nothing in this mode, so nothing it forwards is ever `SUCCESS`: validate the chain in
 * the app (the issuer's `tls_client_auth` chain validation) or use verify mode.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/mutual-authentication.html
 */
export const awsAlbPassthrough: ClientCertificatePreset = {
  proxy: 'AWS Application Load Balancer, mutual TLS passthrough mode',
  header: 'x-amzn-mtls-clientcert',
  format: 'aws-alb',
  verification: {
    unverifiable: 'in passthrough mode the ALB verifies nothing, so no certificate is ever verified; use verify mode (preset aws-alb), or validate the chain in the app',
  },
};
