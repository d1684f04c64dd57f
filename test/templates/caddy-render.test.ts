/**
 * renderTemplate('caddy', values, options): the values Caddy takes, and what every rendered
 * Caddyfile must contain. `caddy validate` runs on each rendered file.
 */
import { describe, expect, it } from '@jest/globals';
import { FORWARDING_HEADERS, renderTemplate, TEMPLATE_SITES, type TemplateValues } from '../../src/templates/index.js';
import { serverAvailable, testCaddyConfig } from '../helpers/servers.js';
import { pkiPath } from '../helpers/fixtures.js';
import { SPELLINGS } from './harness.js';

const VALUES: TemplateValues = {
  serverName: 'as.example.com', listen: 443, upstream: '127.0.0.1:3000',
  certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem',
};
const VARIANTS: readonly (readonly [string, TemplateValues])[] = [
  ['default headers', VALUES],
  ['custom headers', { ...VALUES, certificateHeader: 'X-Client-Certificate', verifyHeader: 'X-Client-Proof' }],
  ['three upstreams on 127.0.0.1:8443', { ...VALUES, listen: '127.0.0.1:8443', upstream: ['127.0.0.1:3000', '127.0.0.1:3001', '[::1]:3002'] }],
];
const RENDERINGS = TEMPLATE_SITES.flatMap((site) => [false, true].flatMap((standalone) => VARIANTS.map(([label, values]) =>
  [`${site}${standalone ? ' standalone' : ''} (${label})`, site, standalone, values] as const)));

/** The site blocks of a rendered Caddyfile, each from its address line to the next. */
const sites = (config: string): string[] => config.split(/^(?=https:\/\/)/m).slice(1);
/** What Caddy deletes with `request_header -<field>`: `*x*` substring, `*x` suffix, `x*` prefix, else the exact name; case-insensitive. */
const deleted = (site: string, name: string): boolean => [...site.matchAll(/^\s*request_header -(\S+)$/gm)].some(([, field]) => {
  const lower = name.toLowerCase();
  const bare = field!.replaceAll('*', '').toLowerCase();
  if (field!.startsWith('*') && field!.endsWith('*')) return lower.includes(bare);
  if (field!.startsWith('*')) return lower.endsWith(bare);
  if (field!.endsWith('*')) return lower.startsWith(bare);
  return lower === bare;
});

describe("renderTemplate('caddy', values, options)", () => {
  describe('values', () => {
    it.each(['mtlsListen', 'chainHeaderPrefix', 'crl'] as const)('refuses %s, which Caddy cannot use', (key) => {
      expect(() => renderTemplate('caddy', { ...VALUES, [key]: key === 'mtlsListen' ? 8443 : key === 'crl' ? '/etc/ssl/c.crl' : 'X-Chain-' })).toThrow(`${key} ({{`);
    });

    it('requires the certificate, its key and the client CA', () => {
      for (const key of ['certificate', 'certificateKey', 'clientCa'] as const) {
        const { [key]: _left, ...rest } = VALUES;
        expect(() => renderTemplate('caddy', rest)).toThrow(`${key} ({{`);
      }
    });

    it('refuses a custom header name whose every spelling it could not delete', () => {
      expect(() => renderTemplate('caddy', { ...VALUES, certificateHeader: 'X-A-B-C-D-E-F' })).toThrow('certificateHeader ({{CERTIFICATE_HEADER}}): "X-A-B-C-D-E-F" has more than 5 hyphens');
    });
  });

  describe.each(RENDERINGS)('%s', (_label, site, standalone, values) => {
    const config = renderTemplate('caddy', values, { site, standalone });
    const blocks = sites(config);
    const certificateHeader = values.certificateHeader ?? 'X-SSL-Client-Cert';
    const port = String(values.listen).split(':').at(-1);

    it('leaves no placeholder of ours behind, and no Caddy placeholder outside the guarded set', () => {
      expect(config).not.toMatch(/\{\{|\}\}/);
      // The matcher and the guarded set, on the one host that asks for a certificate.
      expect([...config.matchAll(/\{http\.request\.tls\.client\.[a-z0-9_]+\}/g)].map((match) => match[0])).toEqual(
        ['{http.request.tls.client.certificate_der_base64}', '{http.request.tls.client.certificate_der_base64}']);
    });

    it(site === 'api' ? 'has the API host, asking for a certificate that must verify' : 'has the plain host, asking for none, and the alias, asking for a certificate that must verify', () => {
      expect(blocks.map((block) => block.split(' ')[0])).toEqual(site === 'api' ? [`https://as.example.com:${port}`] : [`https://as.example.com:${port}`, `https://mtls.as.example.com:${port}`]);
      const mtls = blocks[blocks.length - 1]!;
      expect(mtls).toMatch(/client_auth \{\n\s+mode verify_if_given\n\s+trusted_ca_cert_file \/etc\/ssl\/clients\.pem\n/);
      if (site !== 'api') expect(blocks[0]).not.toContain('client_auth');
      for (const block of blocks) expect(block).toContain('tls /etc/ssl/as.pem /etc/ssl/as.key {\n\t\tprotocols tls1.2 tls1.3\n');
    });

    it('deletes every spelling of every forwarding header on every host, first thing in the route', () => {
      for (const block of blocks) {
        for (const spell of Object.values(SPELLINGS)) {
          for (const name of [...FORWARDING_HEADERS, certificateHeader, values.verifyHeader ?? 'X-SSL-Client-Verify', 'X-SSL-Client-Cert-Chain-17']) {
            expect([spell(name), deleted(block, spell(name))]).toEqual([spell(name), true]);
          }
        }
        for (const innocent of ['authorization', 'x-forwarded-for', 'content-type', 'x-request-id']) expect(deleted(block, innocent)).toBe(false);
        const route = block.slice(block.indexOf('route {'));
        expect(route.indexOf('request_header -')).toBeLessThan(route.indexOf('reverse_proxy'));
      }
    });

    it('sets the certificate header only under the certificate matcher, after the deletions (guarded: no placeholder text without a certificate)', () => {
      const mtls = blocks[blocks.length - 1]!;
      expect(mtls).toContain('@mtls_pop_certificate expression {http.request.tls.client.certificate_der_base64} != null\n');
      const set = `request_header @mtls_pop_certificate ${certificateHeader} {http.request.tls.client.certificate_der_base64}\n`;
      expect(mtls).toContain(set);
      expect(mtls.lastIndexOf('request_header -')).toBeLessThan(mtls.indexOf(set));
      expect(config).not.toMatch(/header_up [^\n]*\{http\.request\.tls/);
      if (site !== 'api') expect(blocks[0]).not.toContain('@mtls_pop_certificate');
    });

    it('lists every upstream once, round robin, with retries of failed connections', () => {
      const upstreams = typeof values.upstream === 'string' ? [values.upstream] : [...values.upstream!];
      for (const block of blocks) {
        expect(block.match(/^\s*to .*$/gm)!.map((line) => line.trim())).toEqual(upstreams.map((entry) => `to ${entry}`));
        expect(block).toMatch(/lb_policy round_robin\n\s+lb_try_duration 5s\n\s+fail_duration 5s\n/);
      }
    });

    it(site === 'api' ? 'answers 413 to a Content-Length over 1 MiB' : 'answers 413 to a Content-Length over 64 KiB', () => {
      for (const block of blocks) {
        const pattern = new RegExp(/@mtls_pop_too_large header_regexp Content-Length (\S+)\n/.exec(block)![1]!);
        const cap = site === 'api' ? 1048576 : 65536;
        expect([pattern.test(String(cap)), pattern.test(String(cap + 1))]).toEqual([false, true]);
        expect(block.slice(block.indexOf('route {'))).toMatch(/^route \{\n\s+respond @mtls_pop_too_large 413\n/);
      }
    });

    if (standalone) {
      it('turns the admin endpoint and automatic HTTPS off, strict SNI-Host matching on', () => {
        const global = /^\{\n[\s\S]*?^\}$/m.exec(config)![0];
        for (const line of ['admin off', 'auto_https off', 'strict_sni_host on']) expect(global).toMatch(new RegExp(`^\\s+${line}$`, 'm'));
      });

      (serverAvailable('caddy') ? it : it.skip)('passes caddy validate (with the fixtures\' files)', () => {
        const real = renderTemplate('caddy', {
          ...values, certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'), listen: '127.0.0.1:8443',
        }, { site, standalone });
        const result = testCaddyConfig(real);
        expect(result.output).toContain('Valid configuration');
        // Expected warnings: the fixture certificate names no OCSP responder, and automatic HTTPS is off by design.
        const warnings = result.output.split('\n').filter((line) => /"level":"(warn|error)"/.test(line))
          .filter((line) => !/"msg":"stapling OCSP"|"msg":"automatic HTTPS is completely disabled for server"/.test(line));
        expect(warnings).toEqual([]);
        expect(result).toMatchObject({ ok: true });
      });
    }
  });
});
