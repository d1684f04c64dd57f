import type { ClientCertificatePreset } from './types.js';

/**
 * Amazon CloudFront viewer mTLS, with the origin request policy forwarding the
 * `CloudFront-Viewer-Cert-*` headers: `CloudFront-Viewer-Cert-Pem` is the leaf as URL-encoded PEM
 * (`-----BEGIN%20CERTIFICATE-----%0A…`), beside `-Sha256` (hex), `-Present` (1/0), `-Serial-Number`,
 * `-Issuer`, `-Subject`, `-Validity`. No verification header: in Required and Optional mode
 * CloudFront refuses a certificate that does not verify; Passthrough mode verifies nothing.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewer-mtls-headers.html
 */
export const cloudfront: ClientCertificatePreset = {
  proxy: 'Amazon CloudFront viewer mTLS (origin request policy with CloudFront-Viewer-Cert-*)',
  header: 'cloudfront-viewer-cert-pem',
  format: 'aws-alb',
  verification: {
    unverifiable: 'CloudFront sends no verification result; in Required or Optional mode it refuses certificates that do not verify, so every forwarded certificate was verified (Passthrough mode verifies nothing)',
  },
  related: ['cloudfront-viewer-cert-sha256', 'cloudfront-viewer-cert-present', 'cloudfront-viewer-cert-serial-number', 'cloudfront-viewer-cert-issuer', 'cloudfront-viewer-cert-subject', 'cloudfront-viewer-cert-validity'],
};
