import { X509Certificate } from 'node:crypto';
import { opensslSubject, opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { runCli } from '../server/serve-process.js';
import { cli, expectOneLineError } from './io.js';

const pem = readPki('client-ec.pem');
const der = new X509Certificate(pem).raw;
// What nginx's $ssl_client_escaped_cert sends: URL-encoded PEM, upper-case escapes.
const nginxValue = pem.replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const values: Array<[string, string]> = [
  ['nginx', nginxValue],
  ['base64-der', der.toString('base64')],
  ['rfc9440', `:${der.toString('base64')}:`],
  ['apache', pem.trim().replace(/\n/g, ' ')],
];

describe('mtls-pop inspect', () => {
  describe.each(values)('a %s value', (format, value) => {
    it('prints subject, issuer, SANs, validity and the thumbprint openssl computes (format given)', async () => {
      const result = await cli(['inspect', '--format', format, value]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`format:     ${format}\n`);
      expect(result.stdout).toContain(`subject:    ${opensslSubject(pkiPath('client-ec.pem'))}\n`);
      expect(result.stdout).toContain('issuer:     CN=mtls-pop Dev Intermediate CA,O=mtls-pop Dev,C=US\n');
      expect(result.stdout).toContain('SANs:       DNS:client-ec.example.com, URI:spiffe://example.com/payments/client-ec, IP:192.0.2.10, email:client-ec@example.com\n');
      expect(result.stdout).toMatch(/not after: {2}\d{4}-\d\d-\d\dT.* \(valid now\)\n/);
      expect(result.stdout).toContain(`x5t#S256:   ${opensslThumbprint(pkiPath('client-ec.pem'))}\n`);
    });
    it('detects the format with --format auto (the default)', async () => {
      const result = await cli(['inspect', value]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`x5t#S256:   ${opensslThumbprint(pkiPath('client-ec.pem'))}\n`);
    });
  });

  it('explains --chain=VALUE when a --chain value starts with a dash (a PEM), and takes it in that form', async () => {
    const intermediate = readPki('intermediate-ca.pem').trim().replace(/\n/g, ' ');
    const apacheLeaf = pem.trim().replace(/\n/g, ' ');
    expectOneLineError(await cli(['inspect', '--format', 'apache', '--chain', intermediate, apacheLeaf]), 2,
      /^mtls-pop inspect: --chain needs a value, and the next argument starts with '-': write --chain=VALUE to pass a value that starts with a dash/);
    const result = await cli(['inspect', '--format', 'apache', `--chain=${intermediate}`, apacheLeaf]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`chain:      ${opensslSubject(pkiPath('intermediate-ca.pem'))}`);
  });

  it('reads the value from standard input with -, removing a copied "Header-Name: " prefix and the newline', async () => {
    const result = await cli(['inspect', '--format', 'nginx', '-'], { stdin: `X-SSL-Client-Cert: ${nginxValue}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(opensslThumbprint(pkiPath('client-ec.pem')));
  });

  it('prints JSON with --json', async () => {
    const result = await cli(['inspect', '--json', '--format', 'base64-der', der.toString('base64')]);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'base64-der', thumbprint: opensslThumbprint(pkiPath('client-ec.pem')), subjectAltNames: { dns: ['client-ec.example.com'] } });
  });

  it('marks an expired certificate', async () => {
    const result = await cli(['inspect', '--format', 'base64-der', new X509Certificate(readPki('client-expired.pem')).raw.toString('base64')]);
    expect(result.stdout).toMatch(/not after: {2}2021-01-01T00:00:00\.000Z \(EXPIRED\)/);
  });

  describe('says precisely why a value is refused: code and reason, exit 1', () => {
    it.each([
      ['empty', 'nginx', '', /ERR_CERT_HEADER_EMPTY/],
      ["Apache's (null)", 'apache', '(null)', /ERR_CERT_HEADER_ABSENT/],
      ['bad base64', 'base64-der', 'not base64!', /ERR_CERT_HEADER_ENCODING/],
      ['a form-decoded nginx value (+ turned into a space)', 'nginx', decodeURIComponent(nginxValue).replace(/\+/g, ' ').replace(/\n/g, '%0A'), /ERR_CERT_HEADER_\w+/],
      ['trailing garbage after the DER', 'base64-der', Buffer.concat([der, Buffer.from([0])]).toString('base64'), /ERR_CERT_HEADER_TRAILING_DATA/],
      ['random bytes', 'base64-der', Buffer.from('hello world, not a certificate').toString('base64'), /ERR_CERT_INVALID|ERR_CERT_HEADER_FORMAT/],
      ['an oversized value', 'nginx', 'A'.repeat(20_000), /ERR_CERT_HEADER_TOO_LARGE/],
    ])('%s', async (_name, format, value, expected) => {
      const result = await cli(['inspect', '--format', format, value]);
      expectOneLineError(result, 1, new RegExp(`^mtls-pop inspect: refused \\(format ${format}\\): ${expected.source}: .+`));
    });
  });

  describe('wrong arguments: one line, exit 2', () => {
    it.each([
      ['no value', ['inspect'], /expected a header value, or '-'/],
      ['an unknown format', ['inspect', '--format', 'haproxy', 'x'], /--format must be one of nginx, .*auto; got 'haproxy'/],
      ['two values', ['inspect', 'a', 'b'], /unexpected argument 'b'/],
      ['a bad --max-length', ['inspect', '--max-length', 'big', 'x'], /--max-length must be an integer/],
    ])('%s', async (_name, argv, expected) => {
      expectOneLineError(await cli(argv), 2, expected);
    });
  });

  it('works as an executable reading stdin (spawned)', async () => {
    const result = await runCli(['inspect', '-'], { stdin: der.toString('base64') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(opensslThumbprint(pkiPath('client-ec.pem')));
  }, 30_000);
});
