import type { ClientCertificatePreset } from './types.js';

/**
 * AWS Application Load Balancer, mutual TLS verify mode: `X-Amzn-Mtls-Clientcert-Leaf` is the leaf
 * as URL-encoded PEM "with `+=/` as safe characters", beside `-Serial-Number`, `-Issuer`,
 * `-Subject` (RFC 2253) and `-Validity`. In verify mode the load balancer refuses the handshake of a
 * certificate that does not chain to its trust store, so a forwarded certificate was verified; it
 * sends no verification header (and a listener may ignore expiry: `ignoreClientCertificateExpiry`).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/mutual-authentication.html#mtls-http-headers
 */
export const awsAlb: ClientCertificatePreset = {
  proxy: 'AWS Application Load Balancer, mutual TLS verify mode',
  header: 'x-amzn-mtls-clientcert-leaf',
  format: 'aws-alb',
  verification: {
    unverifiable: "the ALB sends no verification result; in verify mode it refuses certificates that do not chain to its trust store, so every forwarded certificate was verified (check ignoreClientCertificateExpiry is false)",
  },
  related: ['x-amzn-mtls-clientcert-serial-number', 'x-amzn-mtls-clientcert-issuer', 'x-amzn-mtls-clientcert-subject', 'x-amzn-mtls-clientcert-validity'],
};
