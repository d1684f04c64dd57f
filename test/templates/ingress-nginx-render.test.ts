/**
 * renderTemplate('ingress-nginx', values, options): the Ingresses and the ConfigMap that clears
 * forged headers on every host of the controller. No controller runs here: the manifest's
 * structure is checked, and values built as the controller's nginx builds them
 * (rootfs/etc/nginx/template/nginx.tmpl: `ssl-client-cert $ssl_client_escaped_cert`, nginx's
 * ngx_escape_uri) decode with the preset to openssl's thumbprint.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { PRESETS, PRESET_HEADER_NAMES } from '../../src/proxy/presets/index.js';
import { FORWARDING_HEADERS, renderTemplate, type TemplateValues } from '../../src/templates/index.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { loadYamlDocuments } from '../helpers/yaml.js';
import { nginxEscape, pemBlocks } from '../proxy/presets/samples.js';

const VALUES: TemplateValues = { serverName: 'as.example.com', upstream: 'mtls-pop:3000', tlsSecret: 'as-example-tls', clientCaSecret: 'mtls/client-ca', namespace: 'auth' };
type Ingress = { kind: string; metadata: { name: string; namespace: string; annotations?: Record<string, string> }; spec: { ingressClassName: string; tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[] } };

describe("renderTemplate('ingress-nginx', values, options)", () => {
  describe('values', () => {
    it.each(['tlsSecret', 'clientCaSecret'] as const)('requires %s', (key) => {
      const { [key]: _left, ...rest } = VALUES;
      expect(() => renderTemplate('ingress-nginx', rest)).toThrow(`${key} ({{`);
    });

    it.each([
      ['upstream', ['a:1', 'b:2'], 'one Kubernetes Service'], ['upstream', '10.0.0.1:3000', 'one Kubernetes Service'],
      ['clientCaSecret', 'client-ca', 'namespace/name'], ['clientCaSecret', 'a/b/c', 'namespace/name'], ['tlsSecret', 'As_TLS', 'not a Kubernetes Secret name'],
      ['namespace', 'a.b', 'not a Kubernetes namespace'], ['certificate', '/etc/ssl/as.pem', 'is not used by the ingress-nginx template'],
      ['listen', 443, 'is not used'], ['certificateHeader', 'X-Cert', 'is not used'],
    ] as const)('refuses %s = %j', (key, value, message) => {
      expect(() => renderTemplate('ingress-nginx', { ...VALUES, [key]: value })).toThrow(message);
    });

    it('refuses Kubernetes values for the other servers', () => {
      expect(() => renderTemplate('nginx', { serverName: 'a.example', certificate: '/c', certificateKey: '/k', clientCa: '/ca', tlsSecret: 'x' })).toThrow('tlsSecret ({{TLS_SECRET}}): is not used by the nginx template');
    });
  });

  describe.each(['authorization-server', 'api'] as const)('site %s', (site) => {
    const documents = loadYamlDocuments(renderTemplate('ingress-nginx', VALUES, { site }));
    const ingresses = documents.filter((document) => document.kind === 'Ingress') as unknown as Ingress[];
    const configMaps = documents.filter((document) => document.kind === 'ConfigMap') as unknown as { metadata: { name: string; namespace: string }; data: Record<string, string> }[];
    const hosts = site === 'api' ? ['as.example.com'] : ['as.example.com', 'mtls.as.example.com'];

    it('has one Ingress per host, each routing / to the one Service, TLS from the Secret', () => {
      expect(ingresses.map((ingress) => ingress.spec.rules[0]!.host)).toEqual(hosts);
      for (const ingress of ingresses) {
        expect(ingress.metadata.namespace).toBe('auth');
        expect(ingress.spec.ingressClassName).toBe('nginx');
        expect(ingress.spec.tls).toEqual([{ hosts: [ingress.spec.rules[0]!.host], secretName: 'as-example-tls' }]);
        expect(ingress.spec.rules[0]!.http.paths[0]!.backend.service).toEqual({ name: 'mtls-pop', port: { number: 3000 } });
      }
    });

    it('asks for a certificate only on the alias (or the API host): optional_no_ca, depth 3, certificate passed upstream', () => {
      const mtls = ingresses[ingresses.length - 1]!;
      expect(mtls.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/auth-tls-secret': 'mtls/client-ca',
        'nginx.ingress.kubernetes.io/auth-tls-verify-client': 'optional_no_ca',
        'nginx.ingress.kubernetes.io/auth-tls-verify-depth': '3',
        'nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream': 'true',
      });
      if (site !== 'api') expect(Object.keys(ingresses[0]!.metadata.annotations ?? {}).filter((key) => key.includes('auth-tls'))).toEqual([]);
      // No snippet annotations: controllers refuse them by default (and CVE-2025-1974 is why).
      expect(JSON.stringify(documents)).not.toMatch(/snippet/);
    });

    it('clears every name any preset or template reads, on every host of the controller (proxy-set-headers ConfigMap)', () => {
      expect(configMaps).toHaveLength(1);
      expect(configMaps[0]!.metadata).toEqual({ name: 'mtls-pop-clear-forwarding-headers', namespace: 'auth' });
      const cleared = Object.keys(configMaps[0]!.data);
      for (const name of [...PRESET_HEADER_NAMES, ...FORWARDING_HEADERS.map((header) => header.toLowerCase())]) expect(cleared).toContain(name);
      expect(Object.values(configMaps[0]!.data).every((value) => value === '')).toBe(true);
    });
  });

  it("the controller's ssl-client-cert (nginx $ssl_client_escaped_cert) decodes with the preset to openssl's thumbprint", () => {
    const preset = PRESETS['ingress-nginx'];
    expect(preset.header).toBe('ssl-client-cert');
    for (const fixture of ['client-ec.pem', 'client-rsa.pem']) {
      const value = nginxEscape(pemBlocks(fixture)[0]!);
      expect(parseForwardedCertificate(value, preset.format).thumbprint).toBe(opensslThumbprint(pkiPath(fixture)));
    }
  });
});
