/**
 * How many numbered chain headers (`<prefix>0` .. `<prefix>3`) the templates set or clear: the
 * intermediates a client may send, beyond which the chain is cut. An app reading a chain prefix
 * should read no further than this.
 */
export const CHAIN_HEADER_COUNT = 4;

/** The default header names the templates set, as rendered when TemplateValues leaves them out. */
export const DEFAULT_HEADER_NAMES = Object.freeze({
  certificateHeader: 'X-SSL-Client-Cert',
  verifyHeader: 'X-SSL-Client-Verify',
  chainHeaderPrefix: 'X-SSL-Client-Cert-Chain-',
});

/**
 * Every header name an app may be configured to read a forwarded certificate from, whatever its
 * format. Each template sets or clears every one of them on every host that proxies to the app,
 * so a client can never send its own (RFC 9440 section 2: the proxy must strip incoming copies).
 */
export const FORWARDING_HEADERS: readonly string[] = Object.freeze([
  'X-SSL-Client-Cert',
  'X-SSL-Client-Verify',
  ...Array.from({ length: CHAIN_HEADER_COUNT }, (_, index) => `X-SSL-Client-Cert-Chain-${index}`),
  // RFC 9440 (format 'rfc9440').
  'Client-Cert',
  'Client-Cert-Chain',
  // Envoy (format 'xfcc').
  'X-Forwarded-Client-Cert',
  // ASP.NET Core forwarding middleware, IIS ARR, ASP.NET Core Module (format 'base64-der').
  'X-Client-Cert',
  'X-ARR-ClientCert',
  'MS-ASPNETCORE-CLIENTCERT',
  // Traefik (format 'base64-der').
  'X-Forwarded-Tls-Client-Cert',
  // AWS ALB (format 'aws-alb').
  'X-Amzn-Mtls-Clientcert',
  'X-Amzn-Mtls-Clientcert-Leaf',
]);

/**
 * Header names other proxies set beside or instead of the ones above, which the presets read
 * (ingress-nginx, Traefik, AWS ALB, CloudFront, Cloudflare, Google Cloud, Fastly): the templates
 * that generate their stripping (haproxy, caddy, ingress-nginx, traefik, envoy) remove these too.
 * test/proxy/templates-agreement.test.ts keeps this list and the presets' names in step.
 */
export const OTHER_PROXY_HEADERS: readonly string[] = Object.freeze([
  // ingress-nginx and Traefik's ingress-nginx provider.
  'ssl-client-cert', 'ssl-client-verify', 'ssl-client-subject-dn', 'ssl-client-issuer-dn',
  // Traefik passTLSClientCert info.
  'x-forwarded-tls-client-cert-info',
  // AWS ALB.
  'x-amzn-mtls-clientcert-serial-number', 'x-amzn-mtls-clientcert-issuer', 'x-amzn-mtls-clientcert-subject', 'x-amzn-mtls-clientcert-validity',
  // Amazon CloudFront.
  'cloudfront-viewer-cert-pem', 'cloudfront-viewer-cert-sha256', 'cloudfront-viewer-cert-present', 'cloudfront-viewer-cert-serial-number',
  'cloudfront-viewer-cert-issuer', 'cloudfront-viewer-cert-subject', 'cloudfront-viewer-cert-validity',
  // Cloudflare.
  'cf-cert-verified', 'cf-cert-revoked', 'cf-cert-presented', 'cf-cert-subject-dn', 'cf-cert-issuer-dn', 'cf-cert-subject-dn-rfc2253',
  'cf-cert-issuer-dn-rfc2253', 'cf-cert-fingerprint-sha256', 'cf-cert-serial', 'cf-client-cert-der-base64', 'cf-client-cert-sha256',
  // Google Cloud load balancer (the names its documentation uses).
  'x-client-cert-leaf', 'x-client-cert-chain', 'x-client-cert-chain-verified', 'x-client-cert-error', 'x-client-cert-present',
  'x-client-cert-hash', 'x-client-cert-spiffe', 'x-client-cert-uri-sans', 'x-client-cert-dnsname-sans', 'x-client-cert-serial-number',
  // Fastly.
  'x-fastly-client-cert', 'x-fastly-client-cert-verified',
]);
