/**
 * renderTemplate(server, values, options): validation of every placeholder, and what every
 * rendered template must contain. `nginx -t` / `apache2 -t` run on each rendered file.
 */
import { describe, expect, it } from '@jest/globals';
import { CHAIN_HEADER_COUNT, FORWARDING_HEADERS, renderTemplate, TEMPLATE_SITES, type TemplateValues } from '../../src/templates/index.js';
import { needing, serverAvailable, testApacheConfig, testNginxConfig } from '../helpers/servers.js';
import { pkiPath } from '../helpers/fixtures.js';

const VALUES: TemplateValues = {
  serverName: 'as.example.com', listen: 8443, upstream: '127.0.0.1:3000',
  certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem',
};
const CUSTOM_HEADERS: TemplateValues = { ...VALUES, certificateHeader: 'X-Client-Certificate', verifyHeader: 'X-Client-Verified', chainHeaderPrefix: 'X-Client-Chain-' };
const UPSTREAMS = ['127.0.0.1:3000', '127.0.0.1:3001', '[::1]:3002'] as const;
const THREE_UPSTREAMS: TemplateValues = { ...VALUES, upstream: UPSTREAMS };
/** The upstream group / balancer each site proxies to. */
const GROUP = { 'authorization-server': { nginx: 'mtls_pop_app', apache: 'mtls-pop' }, api: { nginx: 'mtls_pop_api', apache: 'mtls-pop-api' } } as const;

const KEYS = ['serverName', 'mtlsServerName', 'listen', 'upstream', 'certificate', 'certificateKey', 'clientCa', 'certificateHeader', 'verifyHeader', 'chainHeaderPrefix'] as const;
const PLACEHOLDERS: Record<(typeof KEYS)[number], string> = {
  serverName: '{{SERVER_NAME}}', mtlsServerName: '{{MTLS_SERVER_NAME}}', listen: '{{LISTEN}}', upstream: '{{UPSTREAM}}',
  certificate: '{{CERTIFICATE}}', certificateKey: '{{CERTIFICATE_KEY}}', clientCa: '{{CLIENT_CA}}',
  certificateHeader: '{{CERTIFICATE_HEADER}}', verifyHeader: '{{VERIFY_HEADER}}', chainHeaderPrefix: '{{CHAIN_HEADER_PREFIX}}',
};
const GOOD: Record<(typeof KEYS)[number], string> = {
  serverName: 'as.example.com', mtlsServerName: 'mtls.as.example.com', listen: '8443', upstream: '127.0.0.1:3000',
  certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem',
  certificateHeader: 'X-Cert', verifyHeader: 'X-Verify', chainHeaderPrefix: 'X-Chain-',
};
const INJECTIONS = ['\n', '\r', ';', '"', "'", '{', '}', '#', '$', '\\', '<', '>', ' ', '\t', '`', '&', '%', '\0'];

/** The web servers of this file; haproxy has its own (haproxy-render.test.ts): its alias needs mtlsListen. */
const TEMPLATE_SERVERS = ['nginx', 'apache', 'iis'] as const;

/** Every rendered variant: server x site x standalone, default and custom header names, one and three upstreams (not iis). */
const RENDERINGS = TEMPLATE_SERVERS.flatMap((server) => TEMPLATE_SITES.flatMap((site) => [false, true].flatMap((standalone) =>
  [['default headers', VALUES], ['custom headers', CUSTOM_HEADERS], ...(server === 'iis' ? [] : [['three upstreams', THREE_UPSTREAMS]])].map(([label, values]) =>
    [`${server} ${site}${standalone ? ' standalone' : ''} (${label as string})`, server, site, standalone, values as TemplateValues] as const))));
const upstreamsOf = (values: TemplateValues): readonly string[] => (typeof values.upstream === 'string' ? [values.upstream] : values.upstream ?? []);

/** The server blocks / virtual hosts of a rendered nginx or Apache configuration. */
function hosts(server: 'nginx' | 'apache', config: string): string[] {
  if (server === 'apache') return config.split('<VirtualHost ').slice(1);
  return config.split(/^\s*server \{$/m).slice(1);
}

describe('renderTemplate(server, values, options)', () => {
  describe('when a value could inject configuration', () => {
    const cases = KEYS.flatMap((key) => INJECTIONS.map((character) => [key, JSON.stringify(character), character] as const));
    it.each(cases)('refuses %s containing %s with a TypeError naming the placeholder', (key, _shown, character) => {
      const value = `${GOOD[key].slice(0, 3)}${character}${GOOD[key].slice(3)}`;
      for (const server of TEMPLATE_SERVERS) {
        expect(() => renderTemplate(server, { ...VALUES, [key]: value })).toThrow(TypeError);
        expect(() => renderTemplate(server, { ...VALUES, [key]: value })).toThrow(`${key} (${PLACEHOLDERS[key]})`);
      }
    });
  });

  describe('when a value is malformed', () => {
    it.each([
      ['serverName', 'as..example.com'], ['serverName', '-as.example.com'], ['serverName', ''], ['mtlsServerName', 'as.example.com'],
      ['listen', '0'], ['listen', '70000'], ['listen', 'localhost'], ['listen', '127.0.0.1:'], ['upstream', '127.0.0.1'],
      ['upstream', 'app:port'], ['upstream', '::1:3000'], ['upstream', '[1]:3000'], ['upstream', '[::g]:3000'], ['certificate', 'relative/as.pem'], ['certificate', 'C:/as.pem'],
      ['certificateHeader', 'X_SSL_Client_Cert'], ['certificateHeader', '1-Header'], ['verifyHeader', 'x-ssl-client-cert'],
      ['certificateHeader', 'X-SSL-Client-Cert-Chain-9'],
    ] as const)('refuses %s = %j', (key, value) => {
      expect(() => renderTemplate('nginx', { ...VALUES, [key]: value })).toThrow(new RegExp(`^${key} \\(\\{\\{[A-Z_]+\\}\\}\\)`));
    });

    describe('upstream as a list', () => {
      it.each([
        ['an empty list', [], 'must name at least one host:port'],
        ['an entry without a port', ['127.0.0.1:3000', '127.0.0.1'], 'is not host:port'],
        ['an entry that would inject a directive', ['127.0.0.1:3000', '127.0.0.1:3001;include'], 'could inject configuration'],
        ['an entry with a newline', ['127.0.0.1:3000', '127.0.0.1:3001\n}'], 'could inject configuration'],
        ['an entry that is not a string', ['127.0.0.1:3000', 3001], 'must be a non-empty string'],
        ['the same instance twice', ['app.internal:3000', 'APP.internal:3000'], 'lists "app.internal:3000" twice'],
        ['more than 64 entries', Array.from({ length: 65 }, (_, index) => `127.0.0.1:${3000 + index}`), 'at most 64'],
      ])('refuses %s with a TypeError naming the placeholder', (_label, upstream, message) => {
        for (const server of ['nginx', 'apache'] as const) {
          expect(() => renderTemplate(server, { ...VALUES, upstream: upstream as string[] })).toThrow(TypeError);
          expect(() => renderTemplate(server, { ...VALUES, upstream: upstream as string[] })).toThrow(`upstream ({{UPSTREAM}}): `);
          expect(() => renderTemplate(server, { ...VALUES, upstream: upstream as string[] })).toThrow(message);
        }
      });

      it('renders a list of one exactly as the single host:port', () => {
        for (const server of TEMPLATE_SERVERS) expect(renderTemplate(server, { ...VALUES, upstream: ['127.0.0.1:3000'] })).toBe(renderTemplate(server, VALUES));
      });

      it('refuses several upstreams for iis, whose balancing needs an ARR server farm outside web.config', () => {
        expect(() => renderTemplate('iis', { upstream: ['127.0.0.1:3000', '127.0.0.1:3001'] })).toThrow(TypeError);
        expect(() => renderTemplate('iis', { upstream: ['127.0.0.1:3000', '127.0.0.1:3001'] })).toThrow('upstream ({{UPSTREAM}}): iis renders one upstream; for several, define an ARR server farm');
      });
    });

    it('refuses a value that is not a string', () => {
      expect(() => renderTemplate('nginx', { ...VALUES, serverName: 42 as unknown as string })).toThrow('serverName ({{SERVER_NAME}}): must be a non-empty string');
    });

    it('refuses an unknown key with a hint', () => {
      expect(() => renderTemplate('nginx', { ...VALUES, servername: 'x' } as TemplateValues)).toThrow('unknown template value "servername". Did you mean serverName?');
    });

    it.each(['certificate', 'certificateKey', 'clientCa'] as const)('requires %s for nginx and apache, not for iis', (key) => {
      const { [key]: _left, ...rest } = VALUES;
      expect(() => renderTemplate('nginx', rest)).toThrow(`${key} (${PLACEHOLDERS[key]}): is required`);
      expect(() => renderTemplate('apache', rest)).toThrow(`${key} (${PLACEHOLDERS[key]}): is required`);
      expect(() => renderTemplate('iis', {})).not.toThrow();
    });

    it('refuses an unknown server, site or option', () => {
      expect(() => renderTemplate('lighttpd' as 'nginx', VALUES)).toThrow(TypeError);
      expect(() => renderTemplate('nginx', VALUES, { site: 'resource' as 'api' })).toThrow(TypeError);
      expect(() => renderTemplate('nginx', VALUES, { standlone: true } as never)).toThrow('unknown render option "standlone"');
    });
  });

  describe('defaults', () => {
    const minimal = { serverName: 'as.example.com', certificate: '/c.pem', certificateKey: '/c.key', clientCa: '/ca.pem' };
    it.each([
      ['the mTLS alias is mtls.<serverName>', 'server_name mtls.as.example.com;'],
      ['it listens on 443', 'listen 443 ssl;'],
      ['the app is 127.0.0.1:3000', 'server 127.0.0.1:3000 max_fails=3 fail_timeout=5s;'],
      ['the certificate header is X-SSL-Client-Cert', 'proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;'],
      ['the verify header is X-SSL-Client-Verify', 'proxy_set_header X-SSL-Client-Verify $ssl_client_verify;'],
    ])('%s', (_label, line) => {
      expect(renderTemplate('nginx', minimal)).toContain(line);
    });

    it('accepts address:port, IPv6 included', () => {
      expect(renderTemplate('nginx', { ...VALUES, listen: '[::1]:8443', upstream: '[::1]:3000' })).toContain('listen [::1]:8443 ssl;');
      expect(renderTemplate('apache', { ...VALUES, listen: '127.0.0.1:8443' }, { standalone: true })).toMatch(/^Listen 127\.0\.0\.1:8443$[\s\S]*<VirtualHost \*:8443>/m);
    });
  });

  describe('both sites in one server', () => {
    const files = { certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem') };
    (serverAvailable('nginx') ? it : it.skip)(needing('nginx', 'nginx -t passes with the authorization server and the api in one http {} (distinct upstream groups)'), () => {
      const main = renderTemplate('nginx', { ...VALUES, ...files, listen: '127.0.0.1:8443', upstream: UPSTREAMS }, { standalone: true });
      const api = renderTemplate('nginx', { ...VALUES, ...files, serverName: 'api.example.com', listen: '127.0.0.1:8444', upstream: ['127.0.0.1:4000', '127.0.0.1:4001'] }, { site: 'api' });
      const result = testNginxConfig(main.replace(/\}\s*$/, `${api}\n}\n`));
      expect(result.output).not.toMatch(/\[(warn|emerg|error)\]/);
      expect(result).toMatchObject({ ok: true });
    });
  });

  describe.each(RENDERINGS)('%s', (_label, server, site, standalone, values) => {
    const config = renderTemplate(server, values, { site, standalone });

    it('leaves no placeholder behind', () => {
      expect(config).not.toMatch(/\{\{|\}\}/);
    });

    if (server === 'iis') {
      it('blanks every forwarding header', () => {
        for (const name of FORWARDING_HEADERS) {
          expect(config).toContain(`<set name="HTTP_${name.toUpperCase().replaceAll('-', '_')}" value="" />`);
        }
      });
      it('asks for a client certificate and proxies to the upstream', () => {
        expect(config).toContain('sslFlags="Ssl, SslNegotiateCert"');
        expect(config).toContain('url="http://127.0.0.1:3000/{R:1}"');
      });
      return;
    }

    const blocks = hosts(server, config);
    const expectedHosts = site === 'api' ? ['as.example.com'] : ['as.example.com', 'mtls.as.example.com'];

    const group = GROUP[site][server];
    it(`has ${expectedHosts.length === 2 ? 'the plain host and the mTLS alias' : 'the API host'}, each proxying to the upstream group`, () => {
      expect(blocks).toHaveLength(expectedHosts.length);
      expectedHosts.forEach((name, index) => {
        expect(blocks[index]).toMatch(server === 'nginx' ? new RegExp(`server_name ${name};`) : new RegExp(`ServerName ${name}\\n`));
        expect(blocks[index]).toContain(server === 'nginx' ? `proxy_pass http://${group};` : `ProxyPass / balancer://${group}/`);
      });
      expect(config).not.toMatch(/proxy_pass http:\/\/[0-9[]|ProxyPass \/ http:/);
    });

    it('lists every upstream once per group, with keep-alive, failover for requests not yet sent, and no retried POST', () => {
      const upstreams = upstreamsOf(values);
      if (server === 'nginx') {
        const upstreamBlocks = config.match(/upstream \S+ \{[^}]*\}/g) ?? [];
        expect(upstreamBlocks).toHaveLength(1);
        expect(upstreamBlocks[0]).toContain(`upstream ${group} {`);
        expect(upstreamBlocks[0]!.match(/^\s*server .*$/gm)!.map((line) => line.trim())).toEqual(upstreams.map((entry) => `server ${entry} max_fails=3 fail_timeout=5s;`));
        expect(upstreamBlocks[0]).toMatch(/keepalive 32;\s+keepalive_timeout 4s;/);
        for (const block of blocks) {
          for (const line of ['proxy_http_version 1.1;', 'proxy_set_header Connection "";', 'proxy_next_upstream error timeout;']) expect(block).toContain(line);
        }
        expect(config).not.toMatch(/^\s*proxy_next_upstream[^;]*non_idempotent/m);
      } else {
        for (const block of blocks) {
          expect(block).toContain(`<Proxy "balancer://${group}">`);
          expect(block.match(/^\s*BalancerMember .*$/gm)!.map((line) => line.trim())).toEqual(upstreams.map((entry) => `BalancerMember "http://${entry}" connectiontimeout=5 retry=5 ttl=4`));
          expect(block).toContain('ProxySet lbmethod=byrequests');
        }
        if (standalone) {
          for (const module of ['slotmem_shm', 'proxy_balancer', 'lbmethod_byrequests', 'alias']) expect(config).toContain(`LoadModule ${module}_module /usr/lib/apache2/modules/mod_${module}.so`);
        }
      }
    });

    it(site === 'api' ? 'caps request bodies at 1 MiB (the API\'s own to raise)' : 'caps request bodies at 64 KiB, above the app\'s own 8 KiB', () => {
      for (const block of blocks) {
        expect(block).toContain(server === 'nginx' ? `client_max_body_size ${site === 'api' ? '1m' : '64k'};` : `<If "%{HTTP:Content-Length} -gt ${site === 'api' ? 1048576 : 65536}">\n        Redirect 413\n    </If>`);
      }
    });

    it('sets or clears every forwarding header in every host', () => {
      for (const block of blocks) {
        for (const name of FORWARDING_HEADERS) {
          expect(block).toContain(server === 'nginx' ? `proxy_set_header ${name} "";` : `RequestHeader unset ${name}\n`);
        }
        if (values.certificateHeader) {
          expect(block).toContain(server === 'nginx' ? `proxy_set_header ${values.certificateHeader} ` : `RequestHeader unset ${values.certificateHeader}\n`);
        }
      }
    });

    // The names chosen at render time, the verify header and the chain headers included: an app
    // configured with them would believe a client's own copy on a host that leaves one through.
    const configuredNames = [values.certificateHeader, values.verifyHeader,
      ...(values.chainHeaderPrefix ? Array.from({ length: CHAIN_HEADER_COUNT }, (_, index) => `${values.chainHeaderPrefix}${index}`) : [])]
      .filter((name): name is string => name !== undefined);
    it('clears or sets every header name chosen at render time in every host', () => {
      for (const block of blocks) {
        for (const name of configuredNames) {
          if (server === 'nginx') expect(block).toContain(`proxy_set_header ${name} `);
          else expect(block).toMatch(new RegExp(`RequestHeader (unset ${name}\\n|set ${name} )`));
        }
      }
    });

    if (expectedHosts.length === 2) {
      it('the plain host clears every forwarding header and sets none', () => {
        const plain = blocks[0]!;
        for (const name of [...FORWARDING_HEADERS, ...configuredNames]) {
          expect(plain).toContain(server === 'nginx' ? `proxy_set_header ${name} "";` : `RequestHeader unset ${name}\n`);
        }
        expect(plain).not.toMatch(server === 'nginx' ? /proxy_set_header \S+ \$ssl_/ : /RequestHeader set \S+ "%\{SSL_/);
      });
    }

    it('asks for a certificate only on the mTLS host, with the CA bundle and a verify depth', () => {
      const mtls = blocks[blocks.length - 1]!;
      expect(mtls).toMatch(server === 'nginx' ? /ssl_verify_client optional_no_ca;/ : /SSLVerifyClient optional_no_ca\n/);
      expect(mtls).toContain(server === 'nginx' ? 'ssl_client_certificate /etc/ssl/clients.pem;' : 'SSLCACertificateFile /etc/ssl/clients.pem');
      expect(mtls).toMatch(server === 'nginx' ? /ssl_verify_depth [2-9];/ : /SSLVerifyDepth [2-9]\n/);
      expect(mtls).toContain(server === 'nginx' ? `$ssl_client_escaped_cert;` : '"%{SSL_CLIENT_CERT}s"');
      if (server === 'apache') expect(mtls).toContain('SSLOptions +ExportCertData');
      if (blocks.length === 2) expect(blocks[0]).toMatch(server === 'nginx' ? /ssl_verify_client off;/ : /SSLVerifyClient none\n/);
    });

    it('allows TLS 1.2 and 1.3 only, with forward-secret AEAD ciphers', () => {
      for (const block of blocks) {
        expect(block).toMatch(server === 'nginx' ? /ssl_protocols TLSv1\.2 TLSv1\.3;/ : /SSLProtocol -all \+TLSv1\.2 \+TLSv1\.3\n/);
        expect(block).toMatch(server === 'nginx' ? /ssl_ciphers (ECDHE-[A-Z0-9-]+:?)+;/ : /SSLCipherSuite (ECDHE-[A-Z0-9-]+:?)+\n/);
        expect(block).toContain(server === 'nginx' ? 'ssl_certificate /etc/ssl/as.pem;' : 'SSLCertificateFile /etc/ssl/as.pem');
      }
    });

    it('names the minimum versions for hosts sharing an address (CVE-2025-23419 / CVE-2025-23048) and never SSLEngine optional', () => {
      expect(config).toContain(server === 'nginx' ? 'CVE-2025-23419' : 'CVE-2025-23048');
      expect(config).toContain(server === 'nginx' ? '1.27.4 / 1.26.3' : '2.4.64');
      expect(config).not.toMatch(/^\s*SSLEngine\s+optional/im);
    });

    if (standalone) {
      const available = serverAvailable(server);
      (available ? it : it.skip)(needing(server, `passes ${server === 'nginx' ? 'nginx -t' : 'apache2 -t'} (with the fixtures' files)`), () => {
        const real = renderTemplate(server, { ...values, certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'), listen: '127.0.0.1:8443' }, { site, standalone });
        const result = server === 'nginx' ? testNginxConfig(real) : testApacheConfig(real);
        expect(result.output).not.toMatch(/\[(warn|emerg|error)\]|AH0\d+.*(warn|error)/i);
        expect(result).toMatchObject({ ok: true });
      });
    }
  });
});
