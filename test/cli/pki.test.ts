import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslThumbprint } from '../helpers/fixtures.js';
import { cli, expectOneLineError } from './io.js';

const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-pki-'));
const dir = join(cwd, 'pki');
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

describe('mtls-pop pki', () => {
  beforeAll(async () => {
    const result = await cli(['pki', 'init', '--dir', 'pki'], { cwd });
    expect(result).toEqual({ code: 0, stdout: `CA certificate: ${join(dir, 'ca.pem')}\nCA private key: ${join(dir, 'ca.key')}\n`, stderr: '' });
  });

  describe('init', () => {
    it('creates a CA certificate (basicConstraints CA:TRUE) and a key readable by the owner only', () => {
      expect(openssl('x509', '-in', join(dir, 'ca.pem'), '-noout', '-text')).toMatch(/CA:TRUE/);
      expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    });
    it('refuses to replace an existing CA without --force', async () => {
      expectOneLineError(await cli(['pki', 'init', '--dir', 'pki'], { cwd }), 1, /^mtls-pop pki: ERR_PKI_EXISTS: .*ca\.pem already exists \(use --force/);
    });
  });

  describe('issue-client', () => {
    it('issues a clientAuth certificate with every kind of SAN, chaining to the CA, and prints where it went', async () => {
      const result = await cli(['pki', 'issue-client', '--dir', 'pki', '--name', 'payments', '--subject', 'O=Example, CN=payments',
        '--dns', 'payments.example.com', '--uri', 'spiffe://example.com/payments', '--ip', '192.0.2.7', '--ip', '2001:db8::7', '--email', 'ops@example.com'], { cwd });
      expect(result.code).toBe(0);
      const certificate = join(dir, 'payments.pem');
      expect(result.stdout).toContain(`certificate: ${certificate}\n`);
      expect(result.stdout).toContain(`private key: ${join(dir, 'payments.key')}\n`);
      expect(result.stdout).toContain(`x5t#S256:    ${opensslThumbprint(certificate)}\n`);
      const text = openssl('x509', '-in', certificate, '-noout', '-text');
      expect(text).toContain('TLS Web Client Authentication');
      for (const name of ['DNS:payments.example.com', 'URI:spiffe://example.com/payments', 'IP Address:192.0.2.7', 'IP Address:2001:DB8:0:0:0:0:0:7', 'email:ops@example.com']) {
        expect(text).toContain(name);
      }
      expect(openssl('x509', '-in', certificate, '-noout', '-subject', '-nameopt', 'RFC2253').trim()).toBe('subject=CN=payments,O=Example');
      expect(openssl('verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslclient', certificate)).toContain(': OK');
      // The private key matches the certificate.
      expect(openssl('pkey', '-in', join(dir, 'payments.key'), '-pubout')).toBe(openssl('x509', '-in', certificate, '-noout', '-pubkey'));
    });

    it.each([['rsa-2048', 'rsaEncryption'], ['ed25519', 'ED25519'], ['ec-p384', 'secp384r1']])('issues a %s key', async (type, expected) => {
      const result = await cli(['pki', 'issue-client', '--dir', 'pki', '--name', `k-${type}`, '--key-type', type, '--days', '2'], { cwd });
      expect(result.code).toBe(0);
      const text = openssl('x509', '-in', join(dir, `k-${type}.pem`), '-noout', '-text');
      expect(text).toContain(expected);
      expect(openssl('verify', '-CAfile', join(dir, 'ca.pem'), join(dir, `k-${type}.pem`))).toContain(': OK');
    });
  });

  describe('issue-server', () => {
    it('issues a serverAuth certificate for the names given', async () => {
      const result = await cli(['pki', 'issue-server', '--dir', 'pki', '--name', 'web', '--dns', 'as.example.com', '--ip', '127.0.0.1'], { cwd });
      expect(result.code).toBe(0);
      const text = openssl('x509', '-in', join(dir, 'web.pem'), '-noout', '-text');
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).toContain('DNS:as.example.com');
      expect(readFileSync(join(dir, 'web.key'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    });
  });

  describe('wrong arguments: one line, exit 2', () => {
    it.each([
      ['no action', ['pki'], /expected 'init', 'issue-client' or 'issue-server'/],
      ['an unknown action', ['pki', 'issue'], /unknown action 'issue'/],
      ['issue-client without --name', ['pki', 'issue-client'], /--name is required/],
      ['a name with a slash', ['pki', 'issue-client', '--name', '../x'], /^mtls-pop pki: ERR_PKI_NAME: invalid name/],
      ['a bad IP address', ['pki', 'issue-client', '--name', 'x', '--ip', '300.1.1.1'], /--ip '300\.1\.1\.1' is not an IPv4 or IPv6 address/],
      ['a bad URI', ['pki', 'issue-client', '--name', 'x', '--uri', 'not a uri'], /--uri 'not a uri' is not an absolute URI/],
      ['a bad email', ['pki', 'issue-client', '--name', 'x', '--email', 'nobody'], /--email 'nobody' is not an email address/],
      ['a bad DNS name', ['pki', 'issue-client', '--name', 'x', '--dns', 'a b'], /--dns 'a b' is not a DNS name/],
      ['an unknown key type', ['pki', 'issue-client', '--name', 'x', '--key-type', 'dsa'], /--key-type must be one of ec-p256, ec-p384, rsa-2048, ed25519; got 'dsa'/],
      ['days that are not a number', ['pki', 'issue-client', '--name', 'x', '--days', 'ten'], /--days must be an integer from 1 to 36500/],
      ['a server without names', ['pki', 'issue-server', '--name', 'x'], /needs at least one --dns or --ip/],
      ['a SAN option on init', ['pki', 'init', '--dns', 'x'], /--dns does not apply to 'init'/],
    ])('%s', async (_name, argv, expected) => {
      const result = await cli([...argv, '--dir', 'pki'], { cwd });
      expectOneLineError(result, /ERR_PKI/.test(expected.source) ? 1 : 2, expected);
    });

    it('says to run init first when the folder has no CA', async () => {
      expectOneLineError(await cli(['pki', 'issue-client', '--dir', 'empty', '--name', 'x'], { cwd }), 1, /^mtls-pop pki: ERR_PKI_NO_CA: no CA in .*empty: run 'mtls-pop pki init' first$/);
    });

    it('refuses to overwrite an issued certificate without --force', async () => {
      expectOneLineError(await cli(['pki', 'issue-server', '--dir', 'pki', '--name', 'web', '--dns', 'x.example'], { cwd }), 1, /ERR_PKI_EXISTS: .*web\.pem already exists/);
    });
  });
});

describe('mtls-pop pki: file modes', () => {
  it('creates the default .mtls-pop/ and .mtls-pop/pki/ folders for the owner only (0700)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mtls-pop-pki-mode-'));
    expect((await cli(['pki', 'init'], { cwd: fresh })).code).toBe(0);
    expect(statSync(join(fresh, '.mtls-pop')).mode & 0o777).toBe(0o700);
    expect(statSync(join(fresh, '.mtls-pop', 'pki')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['init', ['pki', 'init', '--dir', 'pki', '--force'], 'ca.key'],
    ['issue-client', ['pki', 'issue-client', '--dir', 'pki', '--name', 'loose', '--force'], 'loose.key'],
  ])('%s --force leaves the key file 0600 even when the file it replaces was 0644', async (_action, argv, key) => {
    const fresh = mkdtempSync(join(tmpdir(), 'mtls-pop-pki-force-'));
    expect((await cli(['pki', 'init', '--dir', 'pki'], { cwd: fresh })).code).toBe(0);
    const path = join(fresh, 'pki', key);
    writeFileSync(path, 'an older key\n');
    chmodSync(path, 0o644);
    expect((await cli(argv, { cwd: fresh })).code).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readdirSync(join(fresh, 'pki')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
