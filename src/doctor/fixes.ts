/**
 * What to change, in each server's own terms, for each problem doctor can find. `{names}` is
 * replaced by the header names that got through (as doctor sent them).
 */
export const PROXY_KINDS = ['nginx', 'apache', 'haproxy', 'caddy', 'ingress-nginx'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

export type Problem =
  | 'plain-host-clear' | 'mtls-clear' | 'underscore' | 'duplicate' | 'verify-clear' | 'every-server-block'
  | 'chain-beyond' | 'forward-certificate' | 'placeholder' | 'unverified-success' | 'backend-trust' | 'proxy-untrusted' | 'resumption';

type Fix = Readonly<Record<ProxyKind | 'app', string | undefined>>;

const CLEAR_NGINX = 'proxy_set_header {name} ""; for each of {names} (include mtls-pop/no-client-certificate.conf)';

export const FIXES: Readonly<Record<Problem, Fix>> = {
  'plain-host-clear': {
    nginx: `in the plain host's server block, in every location that proxies to the app: ${CLEAR_NGINX}`,
    apache: "in the plain host's <VirtualHost>: Include mtls-pop/no-client-certificate.conf (RequestHeader unset for {names}, and the SetEnvIfNoCase rule for '_' spellings)",
    haproxy: 'in the frontend, before any set-header and for every host: http-request del-header for each of {names}',
    caddy: "in the plain site's reverse_proxy: header_up -{name} for each of {names}",
    'ingress-nginx': 'Ingresses without auth-tls-secret forward client copies untouched (ingress-nginx#8299): clear {names} for every host of the controller, e.g. a configuration-snippet with more_clear_input_headers, or serve the mTLS host from its own controller',
    app: undefined,
  },
  'mtls-clear': {
    nginx: `in the mTLS host's location: ${CLEAR_NGINX}, then proxy_set_header for the header the app reads (include mtls-pop/mtls-forwarding.conf)`,
    apache: "in the mTLS <VirtualHost>: RequestHeader unset for each of {names} before RequestHeader set (Include mtls-pop/mtls-forwarding.conf)",
    haproxy: 'http-request del-header for each of {names} before http-request set-header ... if { ssl_c_used }',
    caddy: 'header_up -{name} for each of {names} in the reverse_proxy of the mTLS site',
    'ingress-nginx': 'clear {names} with more_clear_input_headers in a configuration-snippet; the controller sets only ssl-client-cert, ssl-client-verify and the DN headers',
    app: undefined,
  },
  underscore: {
    nginx: 'underscores_in_headers off; (the default) in every server block: nginx then drops client header names with "_"',
    apache: "Apache passes names with '_' through and RequestHeader unset cannot match them: refuse them with SetEnvIfNoCase on the names plus Require not env (step 0 of mtls-pop/mtls-forwarding.conf and no-client-certificate.conf)",
    haproxy: 'HAProxy keeps "_" names apart: delete every spelling with one pattern, http-request del-header ^(x[-_]ssl[-_]client[-_]cert|...)$ -m reg, before any set-header (haproxy/forwarding.cfg and clearing.cfg); it covers {names}',
    caddy: 'header_up -{name} for each "_" spelling of {names} (Go keeps "_" names apart from "-" ones)',
    'ingress-nginx': 'enable-underscores-in-headers: "false" in the controller ConfigMap (the default)',
    app: undefined,
  },
  duplicate: {
    nginx: 'proxy_set_header replaces every client copy of a name it sets or clears: set or clear each of {names} in that location (a location with its own proxy_set_header inherits none from outside)',
    apache: 'RequestHeader unset, then set, each of {names} (Apache joins a client\'s repeated lines into one)',
    haproxy: 'http-request del-header each of {names} first; set-header replaces only what it names',
    caddy: 'header_up -{name}, then header_up {name} ... inside a matcher, for each of {names}',
    'ingress-nginx': 'clear {names} with more_clear_input_headers in a configuration-snippet',
    app: undefined,
  },
  'chain-beyond': {
    nginx: 'proxy_set_header {name} ""; for each of {names}, or set the app\'s chain header to none',
    apache: 'refuse chain headers numbered past the last one set: the second SetEnvIfNoCase rule of mtls-pop/mtls-forwarding.conf (Require not env MTLS_POP_FORGED_HEADER)',
    haproxy: 'http-request del-header for each of {names}',
    caddy: 'header_up -{name} for each of {names}',
    'ingress-nginx': 'clear {names} with more_clear_input_headers in a configuration-snippet',
    app: undefined,
  },
  'verify-clear': {
    nginx: 'proxy_set_header X-SSL-Client-Verify $ssl_client_verify; on hosts with ssl_verify_client, and proxy_set_header {name} ""; for each of {names} elsewhere',
    apache: 'RequestHeader set X-SSL-Client-Verify "%{SSL_CLIENT_VERIFY}s" on the mTLS host, RequestHeader unset for each of {names} elsewhere',
    haproxy: 'http-request del-header each of {names}, then http-request set-header X-SSL-Client-Verify %[ssl_c_verify] if { ssl_c_used }',
    caddy: 'header_up -{name} for each of {names} (Caddy sends no verification flag of its own)',
    'ingress-nginx': 'clear ssl-client-verify on Ingresses without auth-tls-secret (more_clear_input_headers in a configuration-snippet)',
    app: undefined,
  },
  'every-server-block': {
    nginx: 'nginx serves a request from the server block its Host names, whatever the SNI: every server block on this address:port that proxies to the app must clear {names} (include mtls-pop/no-client-certificate.conf), or answer 421 for hosts it does not own',
    apache: 'every <VirtualHost> on this address:port that proxies to the app must Include mtls-pop/no-client-certificate.conf (or mtls-forwarding.conf)',
    haproxy: 'apply the del-header rules in the frontend for all hosts, not only in the mTLS backend',
    caddy: 'every site on this listener that proxies to the app must header_up -{name} for each of {names}',
    'ingress-nginx': 'every Ingress of the controller that routes to the app must clear {names} (ingress-nginx#4911: the pass-certificate flag is per server block)',
    app: undefined,
  },
  'forward-certificate': {
    nginx: 'proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; in the mTLS location (include mtls-pop/mtls-forwarding.conf), with ssl_verify_client optional_no_ca (or on)',
    apache: 'SSLVerifyClient optional_no_ca, SSLOptions +ExportCertData and RequestHeader set X-SSL-Client-Cert "%{SSL_CLIENT_CERT}s" (Include mtls-pop/mtls-forwarding.conf)',
    haproxy: 'bind ... ssl crt ... ca-file ... verify optional, then http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64] if { ssl_c_used }',
    caddy: 'tls { client_auth { mode request ... } } and header_up X-SSL-Client-Cert {http.request.tls.client.certificate_der_base64} behind a matcher for requests with a certificate',
    'ingress-nginx': 'nginx.ingress.kubernetes.io/auth-tls-secret and auth-tls-pass-certificate-to-upstream: "true" on the mTLS Ingress',
    app: "clientCertificate({ header, format }) must name the header and format the proxy uses (or a preset)",
  },
  placeholder: {
    nginx: 'forward $ssl_client_escaped_cert (empty without a certificate), not $ssl_client_cert',
    apache: 'RequestHeader set X-SSL-Client-Cert "%{SSL_CLIENT_CERT}s" gives (null) without a certificate, which the app reads as none; do not build the value with other text around it',
    haproxy: 'http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64] if { ssl_c_used } (without the condition an empty or partial value is sent)',
    caddy: 'Caddy sends the placeholder text literally when there is no certificate: set header_up X-SSL-Client-Cert only in a route matching `expression {http.request.tls.client.certificate_der_base64} != null` (the `@has_cert` matcher), else header_up -X-SSL-Client-Cert',
    'ingress-nginx': 'auth-tls-pass-certificate-to-upstream: "true" forwards $ssl_client_escaped_cert, empty without a certificate; remove snippets that set ssl-client-cert otherwise',
    app: undefined,
  },
  'unverified-success': {
    nginx: 'ssl_client_certificate must hold only the CAs of your clients; $ssl_client_verify is then FAILED for others',
    apache: 'SSLCACertificateFile must hold only the CAs of your clients',
    haproxy: 'ca-file must hold only your clients\' CAs; drop ca-ignore-err / crt-ignore-err, or forward %[ssl_c_verify] and require 0',
    caddy: 'client_auth trusted_ca_cert_file must hold only your clients\' CAs',
    'ingress-nginx': 'the auth-tls-secret CA bundle must hold only your clients\' CAs',
    app: 'clientCertificate({ requireVerified: true, verifyHeader }) and validate the chain against your own trust anchors',
  },
  'backend-trust': {
    nginx: undefined, apache: undefined, haproxy: undefined, caddy: undefined, 'ingress-nginx': undefined,
    app: 'clientCertificate({ trustedProxies }) must list only the proxy\'s own address (not loopback, a whole network or 0.0.0.0/0, when others can reach the app), and the app should listen where only the proxy reaches it',
  },
  'proxy-untrusted': {
    nginx: undefined, apache: undefined, haproxy: undefined, caddy: undefined, 'ingress-nginx': undefined,
    app: 'clientCertificate({ trustedProxies }) must include the proxy\'s address as the app sees it (the TCP peer)',
  },
  resumption: {
    nginx: 'ssl_session_tickets off; and no ssl_session_cache shared between the plain and mTLS hosts, on nginx 1.27.4 / 1.26.3 or later (CVE-2025-23419); or give the mTLS host its own address:port',
    apache: 'SSLSessionTickets off, on httpd 2.4.64 or later (CVE-2025-23048); or give the mTLS host its own address:port',
    haproxy: 'no-tls-tickets on the bind, or a separate bind for the mTLS host',
    caddy: 'serve the mTLS host on its own listener',
    'ingress-nginx': 'ssl-session-tickets: "false" in the controller ConfigMap, or a separate controller for the mTLS host',
    app: undefined,
  },
};

/** The fix lines for `problem`: only `proxy`'s when known, else every server's. App-side advice always. */
export function fixLines(problem: Problem, names: readonly string[], proxy: ProxyKind | undefined): string[] {
  const fix = FIXES[problem];
  const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? `, ... (${names.length} names)` : '');
  const fill = (text: string): string => text.replaceAll('{names}', shown || 'the forwarding headers').replaceAll('{name}', names[0] ?? 'X-SSL-Client-Cert');
  const kinds = proxy ? [proxy] : PROXY_KINDS;
  const lines = kinds.flatMap((kind) => (fix[kind] ? [`${kind}: ${fill(fix[kind]!)}`] : []));
  if (fix.app) lines.push(`app: ${fill(fix.app)}`);
  return lines;
}

/** The proxy named by a `Server` answer header, when it names one. */
export function proxyFromServerHeader(server: string | undefined): ProxyKind | undefined {
  if (!server) return undefined;
  if (/nginx|openresty/i.test(server)) return 'nginx';
  if (/apache/i.test(server)) return 'apache';
  if (/caddy/i.test(server)) return 'caddy';
  if (/haproxy/i.test(server)) return 'haproxy';
  return undefined;
}
