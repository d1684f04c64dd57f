/**
 * renderTemplate('traefik', values, options): Traefik's dynamic configuration. No Traefik runs
 * here: the structure is checked, and values built as Traefik's passTLSClientCert builds them
 * (pkg/middlewares/passtlsclientcert/pass_tls_client_cert.go: `sanitize` strips the PEM armour and
 * newlines, `getCertificates` joins the client's certificates with ",") decode with the preset.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { PRESETS, PRESET_HEADER_NAMES } from '../../src/proxy/presets/index.js';
import { FORWARDING_HEADERS, renderTemplate, type TemplateValues } from '../../src/templates/index.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { loadYamlDocuments } from '../helpers/yaml.js';
import { traefikPassTlsClientCert } from '../proxy/presets/samples.js';

const VALUES: TemplateValues = {
  serverName: 'as.example.com', upstream: ['10.0.0.1:3000', '[::1]:3001'],
  certificate: '/etc/traefik/as.pem', certificateKey: '/etc/traefik/as.key', clientCa: '/etc/traefik/clients.pem',
};
interface Router { rule: string; tls: { options: string }; middlewares: string[]; service: string }
interface Dynamic {
  http: { routers: Record<string, Router>; middlewares: Record<string, { headers?: { customRequestHeaders: Record<string, string> }; passTLSClientCert?: { pem: boolean } }>; services: Record<string, { loadBalancer: { servers: { url: string }[] } }> };
  tls: { certificates: { certFile: string; keyFile: string }[]; options: Record<string, { minVersion: string; sniStrict: boolean; clientAuth?: { caFiles: string[]; clientAuthType: string } }> };
}

describe("renderTemplate('traefik', values, options)", () => {
  it.each(['listen', 'certificateHeader', 'crl', 'tlsSecret'] as const)('refuses %s, which Traefik takes elsewhere or not at all', (key) => {
    expect(() => renderTemplate('traefik', { ...VALUES, [key]: key === 'listen' ? 443 : key === 'crl' ? '/c.crl' : key === 'tlsSecret' ? 'x' : 'X-Cert' })).toThrow(`${key} ({{`);
  });

  describe.each(['authorization-server', 'api'] as const)('site %s', (site) => {
    const documents = loadYamlDocuments(renderTemplate('traefik', VALUES, { site }));
    const config = documents[0] as unknown as Dynamic;
    const routers = Object.values(config.http.routers);
    const hosts = site === 'api' ? ['as.example.com'] : ['as.example.com', 'mtls.as.example.com'];

    it('is one YAML document: a router per host, each on the service of every upstream', () => {
      expect(documents).toHaveLength(1);
      expect(routers.map((router) => router.rule)).toEqual(hosts.map((host) => `Host(\`${host}\`)`));
      for (const router of routers) expect(router.service).toBe('mtls-pop');
      expect(config.http.services['mtls-pop']!.loadBalancer.servers).toEqual([{ url: 'http://10.0.0.1:3000' }, { url: 'http://[::1]:3001' }]);
      expect(config.tls.certificates).toEqual([{ certFile: '/etc/traefik/as.pem', keyFile: '/etc/traefik/as.key' }]);
    });

    it('verifies a certificate that is sent on the alias (VerifyClientCertIfGiven), asks none on the plain host; TLS 1.2+, strict SNI', () => {
      const options = routers.map((router) => config.tls.options[router.tls.options]!);
      expect(options[options.length - 1]!.clientAuth).toEqual({ caFiles: ['/etc/traefik/clients.pem'], clientAuthType: 'VerifyClientCertIfGiven' });
      if (site !== 'api') expect(options[0]!.clientAuth).toBeUndefined();
      for (const option of options) expect(option).toMatchObject({ minVersion: 'VersionTLS12', sniStrict: true });
    });

    it('clears every name any preset or template reads, first on every router; passTLSClientCert only after it, on the alias', () => {
      const clear = config.http.middlewares['mtls-pop-clear-forwarding-headers']!.headers!.customRequestHeaders;
      for (const name of [...PRESET_HEADER_NAMES, ...FORWARDING_HEADERS.map((header) => header.toLowerCase())]) expect(clear[name]).toBe('');
      for (const router of routers) expect(router.middlewares[0]).toBe('mtls-pop-clear-forwarding-headers');
      expect(routers[routers.length - 1]!.middlewares).toEqual(['mtls-pop-clear-forwarding-headers', 'mtls-pop-pass-client-certificate']);
      if (site !== 'api') expect(routers[0]!.middlewares).toEqual(['mtls-pop-clear-forwarding-headers']);
      expect(config.http.middlewares['mtls-pop-pass-client-certificate']).toEqual({ passTLSClientCert: { pem: true } });
    });
  });

  it("passTLSClientCert's X-Forwarded-Tls-Client-Cert, leaf and the chain the client sent, decodes with the preset to openssl's thumbprints", () => {
    const preset = PRESETS.traefik;
    expect(preset.header).toBe('x-forwarded-tls-client-cert');
    const certificate = parseForwardedCertificate(traefikPassTlsClientCert('client-ec-chain.pem'), preset.format);
    expect(certificate.thumbprint).toBe(opensslThumbprint(pkiPath('client-ec.pem')));
    expect(certificate.chain.map((link) => link.thumbprint)).toEqual([opensslThumbprint(pkiPath('intermediate-ca.pem'))]);
  });
});
