/**
 * renderTemplate('envoy', values, options): an Envoy bootstrap. No Envoy runs here: the structure
 * is checked, and an x-forwarded-client-cert element built as Envoy builds it
 * (source/common/http/conn_manager_utility.cc `mutateXfccRequestHeader`, the PEM escaped by
 * `Http::Utility::PercentEncoding::urlEncode`) decodes with the preset.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { PRESETS, PRESET_HEADER_NAMES } from '../../src/proxy/presets/index.js';
import { FORWARDING_HEADERS, renderTemplate, type TemplateValues } from '../../src/templates/index.js';
import { opensslSubject, opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { loadYamlDocuments } from '../helpers/yaml.js';
import { xfccElement } from '../proxy/presets/samples.js';

const VALUES: TemplateValues = {
  serverName: 'as.example.com', listen: '127.0.0.1:8443', upstream: ['10.0.0.1:3000', 'app.internal:3001'],
  certificate: '/etc/envoy/as.pem', certificateKey: '/etc/envoy/as.key', clientCa: '/etc/envoy/clients.pem',
};
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("renderTemplate('envoy', values, options)", () => {
  it.each(['mtlsListen', 'certificateHeader', 'tlsSecret'] as const)('refuses %s', (key) => {
    expect(() => renderTemplate('envoy', { ...VALUES, [key]: key === 'mtlsListen' ? 9443 : key === 'tlsSecret' ? 'x' : 'X-Cert' })).toThrow(`${key} ({{`);
  });

  describe.each([['authorization-server', {}], ['authorization-server', { crl: '/etc/envoy/clients.crl' }], ['api', {}]] as const)('site %s %j', (site, extra) => {
    const documents = loadYamlDocuments(renderTemplate('envoy', { ...VALUES, ...extra }, { site }));
    const resources = documents[0]!.static_resources as Any;
    const listener = resources.listeners[0] as Any;
    const chains = listener.filter_chains as Any[];
    const hosts = site === 'api' ? ['as.example.com'] : ['as.example.com', 'mtls.as.example.com'];
    const manager = (chain: Any): Any => chain.filters[0].typed_config;
    const tls = (chain: Any): Any => chain.transport_socket.typed_config;

    it('listens on listen, one filter chain per host (by SNI when there are two), each routing only its own Host', () => {
      expect(listener.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 8443 });
      expect(chains).toHaveLength(hosts.length);
      chains.forEach((chain, index) => {
        if (hosts.length > 1) expect(chain.filter_chain_match).toEqual({ server_names: [hosts[index]] });
        expect(manager(chain).route_config.virtual_hosts.map((host: Any) => host.domains)).toEqual([[hosts[index], `${hosts[index]}:8443`]]);
        expect(tls(chain).common_tls_context.tls_params).toEqual({ tls_minimum_protocol_version: 'TLSv1_2' });
      });
      if (hosts.length > 1) expect(listener.listener_filters.map((filter: Any) => filter.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    });

    it('asks for a certificate on the alias only, verified against the CA bundle (and the CRL when given); no session resumption across hosts', () => {
      const mtls = tls(chains[chains.length - 1]!);
      expect(mtls.require_client_certificate).toBe(false);
      expect(mtls.common_tls_context.validation_context).toEqual({ trusted_ca: { filename: '/etc/envoy/clients.pem' }, ...('crl' in extra ? { crl: { filename: extra.crl } } : {}) });
      expect(JSON.stringify(documents)).not.toContain('ACCEPT_UNTRUSTED');
      if (site !== 'api') {
        expect(tls(chains[0]!).common_tls_context.validation_context).toBeUndefined();
        for (const chain of chains) expect(tls(chain)).toMatchObject({ disable_stateless_session_resumption: true, disable_stateful_session_resumption: true });
      }
    });

    it('sets XFCC with SANITIZE_SET (cert and chain) on the alias, SANITIZE on the plain host, and removes every other forwarding name everywhere', () => {
      const last = manager(chains[chains.length - 1]!);
      expect(last).toMatchObject({ forward_client_cert_details: 'SANITIZE_SET', set_current_client_cert_details: { cert: true, chain: true } });
      if (site !== 'api') expect(manager(chains[0]!).forward_client_cert_details).toBe('SANITIZE');
      for (const chain of chains) {
        const removed = manager(chain).route_config.request_headers_to_remove as string[];
        for (const name of [...PRESET_HEADER_NAMES, ...FORWARDING_HEADERS.map((header) => header.toLowerCase())]) {
          if (name !== 'x-forwarded-client-cert') expect(removed).toContain(name);
        }
        // Removing it at the router would delete the element Envoy itself just set.
        if (manager(chain).forward_client_cert_details === 'SANITIZE_SET') expect(removed).not.toContain('x-forwarded-client-cert');
        expect(manager(chain).common_http_protocol_options).toEqual({ headers_with_underscores_action: 'DROP_HEADER' });
      }
    });

    it('balances over every upstream, retrying only connections that failed', () => {
      const cluster = resources.clusters[0] as Any;
      expect(cluster).toMatchObject({ name: 'mtls_pop_app', type: 'STRICT_DNS', lb_policy: 'ROUND_ROBIN' });
      expect(cluster.load_assignment.endpoints[0].lb_endpoints.map((endpoint: Any) => endpoint.endpoint.address.socket_address)).toEqual([
        { address: '10.0.0.1', port_value: 3000 }, { address: 'app.internal', port_value: 3001 }]);
      for (const chain of chains) {
        expect(manager(chain).route_config.virtual_hosts[0].routes).toEqual([{ match: { prefix: '/' }, route: { cluster: 'mtls_pop_app', retry_policy: { retry_on: 'connect-failure,refused-stream', num_retries: 2 } } }]);
      }
    });
  });

  it("the element SANITIZE_SET with cert and chain produces decodes with the preset to openssl's thumbprint and chain", () => {
    const preset = PRESETS.envoy;
    expect(preset.header).toBe('x-forwarded-client-cert');
    const element = xfccElement('client-ec-chain.pem', { by: '', subject: opensslSubject(pkiPath('client-ec.pem')), cert: true, chain: true });
    const certificate = parseForwardedCertificate(element, preset.format);
    expect(certificate.thumbprint).toBe(opensslThumbprint(pkiPath('client-ec.pem')));
    expect(certificate.chain.map((link) => link.thumbprint)).toContain(opensslThumbprint(pkiPath('intermediate-ca.pem')));
  });
});
