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
