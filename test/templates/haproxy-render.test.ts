/**
 * renderTemplate('haproxy', values, options): the values HAProxy needs, and what every rendered
 * haproxy.cfg must contain. `haproxy -c` runs on each rendered file.
 */
import { describe, expect, it } from '@jest/globals';
import { FORWARDING_HEADERS, renderTemplate, TEMPLATE_SITES, type TemplateValues } from '../../src/templates/index.js';
import { serverAvailable, testHaproxyConfig } from '../helpers/servers.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';
import { makeCrls } from '../helpers/crl.js';
import { SPELLINGS } from './harness.js';

const VALUES: TemplateValues = {
  serverName: 'as.example.com', listen: 443, mtlsListen: 8443, upstream: '127.0.0.1:3000',
  certificate: '/etc/ssl/as.pem', clientCa: '/etc/ssl/clients.pem',
};
const forSite = (site: string, values: TemplateValues): TemplateValues => {
  if (site !== 'api') return values;
  const { mtlsListen: _alias, ...rest } = values;
  return rest;
};
const VARIANTS: readonly (readonly [string, TemplateValues])[] = [
  ['default headers', VALUES],
  ['custom headers', { ...VALUES, certificateHeader: 'X-Client-Certificate', verifyHeader: 'X-Client-Verified' }],
  ['three upstreams and a CRL', { ...VALUES, upstream: ['127.0.0.1:3000', '127.0.0.1:3001', '[::1]:3002'], crl: '/etc/ssl/clients.crl' }],
];
const RENDERINGS = TEMPLATE_SITES.flatMap((site) => [false, true].flatMap((standalone) => VARIANTS.map(([label, values]) =>
  [`${site}${standalone ? ' standalone' : ''} (${label})`, site, standalone, forSite(site, values)] as const)));

/** The frontends of a rendered configuration. */
const frontends = (config: string): string[] => config.split(/^frontend /m).slice(1).map((block) => block.split(/^backend /m)[0]!);
/** The pattern of a frontend's `del-header ... -m reg`, as a JavaScript regular expression (same syntax here). */
const deletion = (frontend: string): RegExp => {
  const lines = [...frontend.matchAll(/^\s*http-request del-header (\S+) -m reg$/gm)];
  expect(lines).toHaveLength(1);
  return new RegExp(lines[0]![1]!);
};

describe("renderTemplate('haproxy', values, options)", () => {
  describe('values', () => {
    it('requires mtlsListen for the authorization server, whose alias gets a listener of its own', () => {
      const { mtlsListen: _alias, ...rest } = VALUES;
      expect(() => renderTemplate('haproxy', rest)).toThrow('mtlsListen ({{MTLS_LISTEN}}): is required for haproxy');
    });

    it.each([[443], ['443'], [':443'.slice(1)]])('refuses mtlsListen equal to listen (%j)', (mtlsListen) => {
      expect(() => renderTemplate('haproxy', { ...VALUES, mtlsListen })).toThrow('mtlsListen ({{MTLS_LISTEN}}): must be another port or address than listen');
    });

    it('accepts the same port on another address', () => {
      expect(renderTemplate('haproxy', { ...VALUES, listen: '192.0.2.1:443', mtlsListen: '192.0.2.2:443' })).toMatch(/bind 192\.0\.2\.2:443 ssl crt \/etc\/ssl\/as\.pem verify optional/);
    });

    it('refuses mtlsListen for the api site, and for nginx and apache (their alias shares listen)', () => {
      expect(() => renderTemplate('haproxy', VALUES, { site: 'api' })).toThrow('mtlsListen ({{MTLS_LISTEN}}): is not used by the haproxy api template');
      expect(() => renderTemplate('nginx', { ...VALUES, certificateKey: '/k' })).toThrow('mtlsListen ({{MTLS_LISTEN}}): is not used by the nginx template');
    });

    it('takes the key from the certificate file or <file>.key, and refuses any other key file', () => {
      expect(() => renderTemplate('haproxy', { ...VALUES, certificateKey: '/etc/ssl/as.key' })).toThrow('certificateKey ({{CERTIFICATE_KEY}}): haproxy reads the key from the certificate file itself or from "/etc/ssl/as.pem.key"');
      expect(renderTemplate('haproxy', { ...VALUES, certificateKey: '/etc/ssl/as.pem.key' })).toBe(renderTemplate('haproxy', VALUES));
    });

    it.each(['serverName', 'mtlsServerName', 'listen', 'mtlsListen', 'upstream', 'certificate', 'clientCa', 'certificateHeader', 'verifyHeader', 'crl'] as const)(
      'refuses %s with a character that could inject configuration', (key) => {
        for (const character of ['\n', ' ', '#', ';', '"', '{', '$', '\\', '%']) {
          const good = { ...VALUES, crl: '/etc/ssl/c.crl', mtlsServerName: 'mtls.as.example.com' }[key] as string | number;
          const value = `${String(good).slice(0, 2)}${character}${String(good).slice(2)}`;
          expect(() => renderTemplate('haproxy', { ...VALUES, [key]: value })).toThrow(TypeError);
          expect(() => renderTemplate('haproxy', { ...VALUES, [key]: value })).toThrow(new RegExp(`^${key} \\(\\{\\{[A-Z_]+\\}\\}\\)`));
        }
      });

    it('refuses chainHeaderPrefix: HAProxy forwards no chain', () => {
      expect(() => renderTemplate('haproxy', { ...VALUES, chainHeaderPrefix: 'X-Chain-' })).toThrow('chainHeaderPrefix ({{CHAIN_HEADER_PREFIX}}): is not used by the haproxy template');
    });
  });

  describe.each(RENDERINGS)('%s', (_label, site, standalone, values) => {
    const config = renderTemplate('haproxy', values, { site, standalone });
    const blocks = frontends(config);
    const certificateHeader = values.certificateHeader ?? 'X-SSL-Client-Cert';
    const verifyHeader = values.verifyHeader ?? 'X-SSL-Client-Verify';

    it('leaves no placeholder behind', () => {
      expect(config).not.toMatch(/\{\{|\}\}/);
    });

    it(site === 'api' ? 'has one frontend, asking for a certificate' : 'has the plain host\'s frontend on listen, asking for none, and the alias\'s on mtlsListen, asking for one', () => {
      const binds = blocks.map((block) => /^\s*bind (.*)$/m.exec(block)![1]!);
      if (site === 'api') {
        expect(binds).toEqual([expect.stringMatching(/^:443 ssl crt \/etc\/ssl\/as\.pem verify optional ca-file \/etc\/ssl\/clients\.pem /)]);
      } else {
        expect(binds[0]).toBe(':443 ssl crt /etc/ssl/as.pem');
        expect(binds[1]).toMatch(/^:8443 ssl crt \/etc\/ssl\/as\.pem verify optional ca-file \/etc\/ssl\/clients\.pem /);
        expect(blocks[0]).toContain('http-request deny deny_status 421 if { req.hdr(host),field(1,:),lower -m str mtls.as.example.com }');
        expect(blocks[1]).toContain('http-request deny deny_status 421 unless { req.hdr(host),field(1,:),lower -m str mtls.as.example.com }');
      }
      for (const bind of binds.filter((line) => line.includes('verify optional'))) {
        // Only unknown-issuer errors are tolerated, as nginx's optional_no_ca: never expiry (9, 10) or revocation (23).
        expect(bind).toContain('crt-ignore-err 2,18,19,20,21,27 ca-ignore-err 2,18,19,20,21,27');
        expect(bind.endsWith(values.crl ? ` crl-file ${values.crl}` : '27')).toBe(true);
      }
    });

    it('deletes every spelling of every forwarding header on every frontend, before anything is set', () => {
      for (const block of blocks) {
        const pattern = deletion(block);
        const names = [...FORWARDING_HEADERS, certificateHeader, verifyHeader, 'X-SSL-Client-Cert-Chain-17'];
        for (const spell of Object.values(SPELLINGS)) {
          for (const name of names) expect(spell(name).toLowerCase()).toMatch(pattern);
        }
        for (const innocent of ['x-ssl-client-certificate', 'client-certx', 'authorization', 'x-forwarded-for']) expect(innocent).not.toMatch(pattern);
        const setLines = block.match(/^\s*http-request set-header .*$/gm) ?? [];
        expect(block.indexOf('del-header')).toBeLessThan(block.indexOf(setLines[0] ?? 'set-header'));
      }
    });

    it('sets the certificate (base64 DER) and the verify result only when the session carries a certificate', () => {
      const mtls = blocks[blocks.length - 1]!;
      expect(mtls).toContain(`http-request set-header ${certificateHeader} %[ssl_c_der,base64] if { ssl_c_used }\n`);
      expect(mtls).toContain(`http-request set-header ${verifyHeader} %[ssl_c_verify] if { ssl_c_used }\n`);
      if (site !== 'api') expect(blocks[0]).not.toContain('ssl_c_');
    });

    it('lists every upstream once, with round robin and retries of connections that failed only', () => {
      const upstreams = typeof values.upstream === 'string' ? [values.upstream] : [...values.upstream!];
      const backend = config.split(/^backend /m)[1]!;
      expect(backend.match(/^\s*server .*$/gm)!.map((line) => line.trim())).toEqual(upstreams.map((entry, index) => `server app${index + 1} ${entry} check inter 2s fall 2 rise 1`));
      expect(backend).toMatch(/balance roundrobin\n\s+retries 3\n\s+retry-on conn-failure\n\s+option redispatch 1\n/);
    });

    it(site === 'api' ? "caps request bodies at 1 MiB (the API's own to raise)" : "caps request bodies at 64 KiB, above the app's own 8 KiB", () => {
      for (const block of blocks) expect(block).toContain(`http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${site === 'api' ? 1048576 : 65536} }`);
    });

    if (standalone) {
      it('allows TLS 1.2 and 1.3 only, forward-secret AEAD ciphers, no session tickets', () => {
        expect(config).toMatch(/ssl-default-bind-options ssl-min-ver TLSv1\.2 no-tls-tickets\n/);
        expect(config).toMatch(/ssl-default-bind-ciphers (ECDHE-[A-Z0-9-]+:?)+\n/);
      });

      (serverAvailable('haproxy') ? it : it.skip)('passes haproxy -c without a warning (with the fixtures\' files)', () => {
        const real = (prefix: string): string => renderTemplate('haproxy', {
          ...values, certificate: `${prefix}/server.pem`, clientCa: pkiPath('ca-bundle.pem'), listen: '127.0.0.1:8443',
          ...(site === 'api' ? {} : { mtlsListen: '127.0.0.1:8444' }), ...(values.crl ? { crl: `${prefix}/clients.crl` } : {}),
        }, { site, standalone });
        const result = testHaproxyConfig(real, {
          'server.pem': `${readPki('server.pem')}${readPki('server.key')}`,
          'clients.crl': makeCrls([{ cert: 'intermediate-ca.pem', key: 'intermediate-ca.key' }, { cert: 'root-ca.pem', key: 'root-ca.key' }]),
        });
        expect(result.output).not.toMatch(/\[(WARNING|ALERT)\]/);
        expect(result).toMatchObject({ ok: true });
      });
    }
  });
});
