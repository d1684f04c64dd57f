import { MAX_NUMBERED_CHAIN_HEADERS } from '../../src/proxy/headers.js';
import { PRESETS } from '../../src/proxy/presets/index.js';
import { PRESET_HEADER_NAMES } from '../../src/proxy/presets/index.js';
import { CHAIN_HEADER_COUNT, DEFAULT_HEADER_NAMES, FORWARDING_HEADERS, OTHER_PROXY_HEADERS, renderTemplate, type TemplateServer } from '../../src/templates/index.js';
import { loadYamlDocuments } from '../helpers/yaml.js';
import { CLIENT_CERTIFICATE_DEFAULTS } from '../../src/proxy/options.js';

const FILES = { serverName: 'as.example.com', certificate: '/etc/ssl/as.pem', clientCa: '/etc/ssl/clients.pem' };

/**
 * The header names each rendered template SETS (not only clears) on its certificate-asking host,
 * read from the configuration text the way each server spells a set.
 */
const SETTERS: Readonly<Record<'nginx' | 'apache' | 'haproxy' | 'caddy', { values: object; set: RegExp }>> = {
  nginx: { values: { certificateKey: '/etc/ssl/as.key' }, set: /^\s*proxy_set_header (\S+) \$ssl_client_(?:escaped_cert|verify);$/gm },
  apache: { values: { certificateKey: '/etc/ssl/as.key' }, set: /^\s*RequestHeader set (\S+) "%\{SSL_CLIENT_[A-Z_0-9]+\}s"$/gm },
  haproxy: { values: { mtlsListen: 8443 }, set: /^\s*http-request set-header (\S+) %\[ssl_c_[a-z_,0-9]+\] if \{ ssl_c_used \}$/gm },
  caddy: { values: { certificateKey: '/etc/ssl/as.key' }, set: /^\s*request_header @mtls_pop_certificate (\S+) \{http\.request\.tls\.client\.[a-z0-9_]+\}$/gm },
};

describe('the middleware and the templates agree', () => {
  it('reads no more numbered chain headers than the Apache template sets (a higher one is refused as forged)', () => {
    expect(MAX_NUMBERED_CHAIN_HEADERS).toBe(CHAIN_HEADER_COUNT);
  });

  it('defaults to the certificate header name the templates set', () => {
    expect(CLIENT_CERTIFICATE_DEFAULTS.header).toBe(DEFAULT_HEADER_NAMES.certificateHeader.toLowerCase());
  });

  it('every header name a preset reads is in FORWARDING_HEADERS or OTHER_PROXY_HEADERS, which the templates strip', () => {
    const known = new Set([...FORWARDING_HEADERS, ...OTHER_PROXY_HEADERS].map((name) => name.toLowerCase()));
    expect(PRESET_HEADER_NAMES.filter((name) => !known.has(name))).toEqual([]);
  });

  it('the Kubernetes, Traefik and Envoy renders pass on the very header their preset reads', () => {
    const ingress = loadYamlDocuments(renderTemplate('ingress-nginx', { serverName: 'as.example.com', upstream: 'app:3000', tlsSecret: 't', clientCaSecret: 'n/c' }));
    const annotations = (ingress.at(-1) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    // The controller's template writes ssl-client-cert only with this annotation (rootfs/etc/nginx/template/nginx.tmpl).
    expect([annotations['nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream'], PRESETS['ingress-nginx'].header]).toEqual(['true', 'ssl-client-cert']);
    const traefik = renderTemplate('traefik', { ...FILES, certificateKey: '/k' });
    // passTLSClientCert writes X-Forwarded-Tls-Client-Cert (pkg/middlewares/passtlsclientcert: xForwardedTLSClientCert).
    expect([traefik.includes('passTLSClientCert:\n        pem: true'), PRESETS.traefik.header]).toEqual([true, 'x-forwarded-tls-client-cert']);
    const envoy = renderTemplate('envoy', { ...FILES, certificateKey: '/k' });
    expect([envoy.includes('forward_client_cert_details: SANITIZE_SET'), PRESETS.envoy.header]).toEqual([true, 'x-forwarded-client-cert']);
  });

  describe.each(Object.keys(SETTERS) as (keyof typeof SETTERS)[])("the %s template and the preset of the same name", (server) => {
    const config = renderTemplate(server as TemplateServer, { ...FILES, ...SETTERS[server].values });
    const set = [...new Set([...config.matchAll(SETTERS[server].set)].map((match) => match[1]!.toLowerCase()))].sort();
    const preset = PRESETS[server];

    it('the template sets exactly the headers the preset reads: certificate, chain, verification', () => {
      const chain = preset.chainHeader === undefined ? [] : Array.from({ length: CHAIN_HEADER_COUNT }, (_, index) => `${preset.chainHeader}${index}`);
      expect(set).toEqual([preset.header, ...chain, ...(preset.verification.headers ?? [])].sort());
    });
  });
});
