import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { CLIENT_CERTIFICATE_DEFAULTS } from '../../src/proxy/options.js';

const construct = (options: unknown) => () => clientCertificate(options as ClientCertificateOptions);

describe('clientCertificate(options) validation, at construction', () => {
  it.each([
    ['trustedProxy', 'Did you mean "trustedProxies"?'],
    ['requiredVerified', 'Did you mean "requireVerified"?'],
    ['verify_header', 'Did you mean "verifyHeader"?'],
    ['cachesize', 'Did you mean "cacheSize"?'],
    ['zzzzzzzzzzz', 'unknown option "zzzzzzzzzzz"'],
  ])('unknown key %s => TypeError with a hint', (key, message) => {
    expect(construct({ [key]: true })).toThrow(TypeError);
    expect(construct({ [key]: true })).toThrow(message);
  });

  it.each([
    ['a bad CIDR prefix', { trustedProxies: '10.0.0.0/33' }, /trustedProxies: invalid range/],
    ['a /0 range (trusts everyone)', { trustedProxies: ['0.0.0.0/0'] }, /invalid range/],
    ['not an address', { trustedProxies: 'proxy.internal' }, /invalid IP address/],
    ['an empty entry', { trustedProxies: ['10.0.0.1', ''] }, /non-empty/],
    ['a format typo', { format: 'ngnix' }, /Did you mean 'nginx'/],
    ['untrusted: "allow"', { untrusted: 'allow' }, /one of 'reject', 'ignore'/],
    ['requireVerified without verifyHeader', { requireVerified: true }, /needs verifyHeader/],
    ['a header name with a space', { header: 'x ssl' }, /HTTP header name/],
    ['the same header twice', { header: 'x-cert', verifyHeader: 'X-Cert' }, /different headers/],
    ['a chain header for xfcc', { format: 'xfcc', chainHeader: 'x-chain' }, /separate chain header/],
    ['a chain header for auto', { format: 'auto', chainHeader: 'x-chain' }, /named explicitly/],
    ['maxHeaderLength 0', { maxHeaderLength: 0 }, /maxHeaderLength must be an integer/],
    ['cacheSize -1', { cacheSize: -1 }, /cacheSize must be an integer/],
    ['a string for a boolean', { required: 'yes' }, /required must be a boolean/],
    ['a header option with source tls', { source: 'tls', trustedProxies: 'loopback' }, /only applies to source 'header'/],
    ['a logger without warn', { logger: {} }, /logger must have/],
    ['options that are not an object', 'loopback', /options must be an object/],
  ])('%s => TypeError', (_name, options, message) => {
    expect(construct(options)).toThrow(TypeError);
    expect(construct(options)).toThrow(message);
  });

  it.each([
    [{}],
    [{ trustedProxies: 'loopback, 10.0.0.0/8' }],
    [{ trustedProxies: ['loopback', 'uniquelocal', '::ffff:127.0.0.1/128', '2001:db8::/32', '10.0.0.0/255.0.0.0'] }],
    [{ format: 'apache', chainHeader: 'x-ssl-client-cert-chain-', verifyHeader: 'x-ssl-client-verify', requireVerified: true }],
    [{ source: 'tls', requireVerified: true, required: true }],
    [{ cacheSize: 0 }],
  ])('accepts %j', (options) => {
    expect(typeof clientCertificate(options as ClientCertificateOptions)).toBe('function');
  });

  it('the README table states every default of CLIENT_CERTIFICATE_DEFAULTS', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'middleware.md'), 'utf8');
    for (const [key, value] of Object.entries(CLIENT_CERTIFICATE_DEFAULTS)) {
      const shown = value === undefined ? 'none' : Array.isArray(value) ? 'nobody' : typeof value === 'string' ? `'${value}'` : String(value);
      expect(readme).toMatch(new RegExp(`\\| \`${key}\` \\|[^\\n]*\\| ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`));
    }
  });
});
