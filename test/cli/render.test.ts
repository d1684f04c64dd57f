import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate } from '../../src/templates/index.js';
import { cli, expectOneLineError } from './io.js';

const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-render-'));
writeFileSync(join(cwd, 'app.json'), JSON.stringify({
  mode: 'behind-proxy', listen: { host: '127.0.0.1', port: 3100 }, proxy: { trustedProxies: ['loopback'], header: 'x-client-cert-pem' },
  issuer: { url: 'https://as.example.com:8443', mtlsUrl: 'https://secure.as.example.com:8443' }, trust: { anchors: 'certs/clients-ca.pem' },
}));
const files = ['--certificate', '/etc/ssl/as.pem', '--certificate-key', '/etc/ssl/as.key', '--client-ca', '/etc/ssl/clients.pem'];

describe('mtls-pop render', () => {
  it.each([['nginx'], ['apache']])('prints exactly what renderTemplate gives for %s with the flags', async (server) => {
    const result = await cli(['render', server, '--server-name', 'as.example.com', '--listen', '8443', '--upstream', '127.0.0.1:3100', ...files]);
    expect(result.code).toBe(0);
    const expected = renderTemplate(server as 'nginx', { serverName: 'as.example.com', listen: '8443', upstream: '127.0.0.1:3100', certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem' });
    expect(result.stdout.trimEnd()).toBe(expected.trimEnd());
    expect(result.stdout).toContain('mtls.as.example.com');
  });

  it.each([
    ['repeated', ['--upstream', '127.0.0.1:3100', '--upstream', '127.0.0.1:3101', '--upstream', '[::1]:3102']],
    ['comma-separated', ['--upstream', '127.0.0.1:3100, 127.0.0.1:3101,[::1]:3102']],
    ['both', ['--upstream', '127.0.0.1:3100,127.0.0.1:3101', '--upstream', '[::1]:3102']],
  ])('takes several upstreams, %s, in order', async (_label, flags) => {
    for (const server of ['nginx', 'apache'] as const) {
      const result = await cli(['render', server, '--server-name', 'as.example.com', ...flags, ...files]);
      expect(result.code).toBe(0);
      const expected = renderTemplate(server, { serverName: 'as.example.com', upstream: ['127.0.0.1:3100', '127.0.0.1:3101', '[::1]:3102'], certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem' });
      expect(result.stdout.trimEnd()).toBe(expected.trimEnd());
    }
  });

  it('renders haproxy with --mtls-listen and --crl, exactly as renderTemplate, files resolved from the working directory', async () => {
    const result = await cli(['render', 'haproxy', '--server-name', 'as.example.com', '--listen', '443', '--mtls-listen', '8443',
      '--certificate', 'as.pem', '--client-ca', '/etc/ssl/clients.pem', '--crl', 'clients.crl'], { cwd });
    expect(result.code).toBe(0);
    const expected = renderTemplate('haproxy', { serverName: 'as.example.com', listen: '443', mtlsListen: '8443', certificate: join(cwd, 'as.pem'), clientCa: '/etc/ssl/clients.pem', crl: join(cwd, 'clients.crl') });
    expect(result.stdout.trimEnd()).toBe(expected.trimEnd());
    expect(result.stdout).toContain(` crl-file ${join(cwd, 'clients.crl')}\n`);
  });

  it('haproxy: takes mtlsListen from the port of issuer.mtlsUrl in --config', async () => {
    const config = join(cwd, 'alias-port.json');
    writeFileSync(config, JSON.stringify({ mode: 'behind-proxy', proxy: { trustedProxies: ['loopback'] }, issuer: { url: 'https://as.example.com', mtlsUrl: 'https://mtls.as.example.com:8443' } }));
    const result = await cli(['render', 'haproxy', '--config', config, '--certificate', '/etc/ssl/as.pem', '--client-ca', '/etc/ssl/clients.pem']);
    // Only the warnings for files that are not on this machine.
    expect(result.stderr.split('\n').filter(Boolean).every((line) => line.startsWith('mtls-pop render: warning: '))).toBe(true);
    expect(result.stdout).toMatch(/^\s*bind :443 ssl crt \/etc\/ssl\/as\.pem$/m);
    expect(result.stdout).toMatch(/^\s*bind :8443 ssl crt \/etc\/ssl\/as\.pem verify optional /m);
  });

  it('haproxy: a missing --mtls-listen, or a key file HAProxy would not read, is one line naming the flag', async () => {
    expectOneLineError(await cli(['render', 'haproxy', '--server-name', 'as.example.com', '--certificate', '/etc/ssl/as.pem', '--client-ca', '/etc/ssl/c.pem']), 2, /^mtls-pop render: --mtls-listen: is required for haproxy/);
    expectOneLineError(await cli(['render', 'haproxy', '--server-name', 'as.example.com', '--mtls-listen', '8443', ...files]), 2, /^mtls-pop render: --certificate-key: haproxy reads the key from the certificate file itself or from "\/etc\/ssl\/as\.pem\.key"/);
  });

  it('renders caddy exactly as renderTemplate, and refuses --crl, which Caddy cannot load, naming the flag', async () => {
    const result = await cli(['render', 'caddy', '--server-name', 'as.example.com', '--listen', '8443', ...files]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd()).toBe(renderTemplate('caddy', { serverName: 'as.example.com', listen: '8443', certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem' }).trimEnd());
    expectOneLineError(await cli(['render', 'caddy', '--server-name', 'as.example.com', '--crl', '/etc/ssl/c.crl', ...files]), 2, /^mtls-pop render: --crl: is not used by the caddy template/);
  });

  it('warns on stderr, once per file, when a certificate file it names does not exist here, and renders anyway', async () => {
    const result = await cli(['render', 'nginx', '--server-name', 'as.example.com', ...files]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ssl_certificate /etc/ssl/as.pem;');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'mtls-pop render: warning: --certificate /etc/ssl/as.pem does not exist here; nginx will not start until it does',
      'mtls-pop render: warning: --certificate-key /etc/ssl/as.key does not exist here; nginx will not start until it does',
      'mtls-pop render: warning: --client-ca /etc/ssl/clients.pem does not exist here; nginx will not start until it does',
    ]);
  });

  it('says nothing on stderr when the files exist', async () => {
    const here = mkdtempSync(join(tmpdir(), 'mtls-pop-render-'));
    for (const name of ['as.pem', 'as.key', 'ca.pem']) writeFileSync(join(here, name), '');
    const result = await cli(['render', 'apache', '--server-name', 'as.example.com', '--certificate', 'as.pem', '--certificate-key', 'as.key', '--client-ca', 'ca.pem'], { cwd: here });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it.each([
    ['ingress-nginx', ['--upstream', 'mtls-pop:3000', '--namespace', 'auth', '--tls-secret', 'as-tls', '--client-ca-secret', 'auth/client-ca'],
      { upstream: 'mtls-pop:3000', namespace: 'auth', tlsSecret: 'as-tls', clientCaSecret: 'auth/client-ca' }],
    ['traefik', ['--upstream', '127.0.0.1:3000', '--certificate', '/etc/ssl/as.pem', '--certificate-key', '/etc/ssl/as.key', '--client-ca', '/etc/ssl/clients.pem'],
      { upstream: '127.0.0.1:3000', certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem' }],
    ['envoy', ['--listen', '8443', '--crl', '/etc/ssl/c.crl', ...files], { listen: '8443', crl: '/etc/ssl/c.crl', certificate: '/etc/ssl/as.pem', certificateKey: '/etc/ssl/as.key', clientCa: '/etc/ssl/clients.pem' }],
  ] as const)('renders %s exactly as renderTemplate, from its flags', async (server, flags, values) => {
    const result = await cli(['render', server, '--server-name', 'as.example.com', ...flags]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd()).toBe(renderTemplate(server, { serverName: 'as.example.com', ...values }).trimEnd());
  });

  it('ingress-nginx: a missing --client-ca-secret is one line naming the flag', async () => {
    expectOneLineError(await cli(['render', 'ingress-nginx', '--server-name', 'as.example.com', '--upstream', 'app:3000', '--tls-secret', 'as-tls']), 2, /^mtls-pop render: --client-ca-secret: is required for ingress-nginx/);
  });

  it('renders the IIS web.config without certificate files (IIS keeps them in its store)', async () => {
    const result = await cli(['render', 'iis', '--server-name', 'as.example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^<\?xml/);
  });

  it('renders the IIS web.config without --server-name: IIS takes host names from its site bindings', async () => {
    const result = await cli(['render', 'iis', '--upstream', '127.0.0.1:3000']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await cli(['render', 'iis', '--server-name', 'as.example.com', '--upstream', '127.0.0.1:3000'])).stdout);
    expect(result.stdout).toContain('127.0.0.1:3000');
  });

  it('renders the api site and the standalone main configuration', async () => {
    const api = await cli(['render', 'nginx', '--site', 'api', '--server-name', 'api.example.com', ...files]);
    expect(api.stdout).toContain('api.example.com');
    const standalone = await cli(['render', 'nginx', '--standalone', '--server-name', 'as.example.com', ...files]);
    expect(standalone.stdout).toMatch(/^\s*http\s*\{/m);
  });

  it('takes host names, port, upstream, header name and client CA from --config, and resolves relative files', async () => {
    const result = await cli(['render', 'nginx', '--config', 'app.json', '--certificate', 'as.pem', '--certificate-key', 'as.key'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('server_name as.example.com;');
    expect(result.stdout).toContain('server_name secure.as.example.com;');
    expect(result.stdout).toMatch(/listen 8443 ssl/);
    expect(result.stdout).toContain('127.0.0.1:3100');
    expect(result.stdout).toContain(`ssl_certificate ${join(cwd, 'as.pem')};`);
    expect(result.stdout).toContain(join(cwd, 'certs', 'clients-ca.pem'));
    expect(result.stdout).toMatch(/x-client-cert-pem/i);
  });

  describe('wrong arguments: one line, exit 2', () => {
    it.each([
      ['no server', ['render'], /expected the server: nginx, apache, iis/],
      ['an unknown server', ['render', 'lighttpd'], /the server must be one of nginx, apache, iis, haproxy\b.*; got 'lighttpd'/],
      ['no server name', ['render', 'nginx', ...files], /--server-name is required/],
      ['a missing certificate', ['render', 'nginx', '--server-name', 'as.example.com'], /^mtls-pop render: --certificate: is required/],
      ['a server name that would inject a directive', ['render', 'nginx', '--server-name', 'as.example.com;include /etc/passwd', ...files], /^mtls-pop render: --server-name: .*could inject configuration/],
      ['an upstream without a port', ['render', 'nginx', '--server-name', 'as.example.com', '--upstream', 'app', ...files], /^mtls-pop render: --upstream: /],
      ['an empty entry in a comma-separated upstream list', ['render', 'nginx', '--server-name', 'as.example.com', '--upstream', '127.0.0.1:3100,', ...files], /^mtls-pop render: --upstream: must be a non-empty string/],
      ['the same upstream twice', ['render', 'nginx', '--server-name', 'as.example.com', '--upstream', '127.0.0.1:3100', '--upstream', '127.0.0.1:3100', ...files], /^mtls-pop render: --upstream: lists "127\.0\.0\.1:3100" twice/],
      ['several upstreams for iis', ['render', 'iis', '--server-name', 'as.example.com', '--upstream', '127.0.0.1:3100,127.0.0.1:3101'], /^mtls-pop render: --upstream: iis renders one upstream; for several, define an ARR server farm/],
      ['an unknown site', ['render', 'nginx', '--site', 'admin', '--server-name', 'x.example'], /--site must be one of authorization-server, api; got 'admin'/],
    ])('%s', async (_name, argv, expected) => {
      expectOneLineError(await cli(argv), 2, expected);
    });
  });
});
