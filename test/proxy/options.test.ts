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
    // Lists whose ranges together trust every peer: no trust check at all.
    ['two /1 halves of IPv4', { trustedProxies: '0.0.0.0/1,128.0.0.0/1' }, /trusts every IPv4 address/],
    ['every IPv4 address through the IPv4-mapped range', { trustedProxies: ['::ffff:0:0/96'] }, /trusts every IPv4 address/],
    ['IPv4 halves, one as a mapped range', { trustedProxies: ['loopback', '0.0.0.0/1', '::ffff:128.0.0.0/97'] }, /trusts every IPv4 address/],
    ['IPv4 quarters by netmask', { trustedProxies: ['0.0.0.0/192.0.0.0', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'] }, /trusts every IPv4 address/],
    ['two /1 halves of IPv6', { trustedProxies: ['::/1', '8000::/1'] }, /trusts every IPv6 address/],
    ...['authorization', 'Host', 'cookie', 'connection', 'transfer-encoding', 'x-forwarded-for', 'forwarded'].map((name): [string, unknown, RegExp] =>
      [`the ${name} header as the certificate header`, { trustedProxies: 'loopback', header: name }, /standard or hop-by-hop header/]),
    ['cookie as the verify header', { trustedProxies: 'loopback', verifyHeader: 'cookie' }, /verifyHeader "cookie" is a standard or hop-by-hop header/],
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
    // Large but not everyone: one /1 half, or all of IPv4 but the last address.
    [{ trustedProxies: ['0.0.0.0/1', '::/1'] }],
    [{ trustedProxies: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8', '255.0.0.0/9', '255.128.0.0/10', '255.192.0.0/11', '255.224.0.0/12', '255.240.0.0/13', '255.248.0.0/14', '255.252.0.0/15', '255.254.0.0/16', '255.255.0.0/17', '255.255.128.0/18', '255.255.192.0/19', '255.255.224.0/20', '255.255.240.0/21', '255.255.248.0/22', '255.255.252.0/23', '255.255.254.0/24', '255.255.255.0/25', '255.255.255.128/26', '255.255.255.192/27', '255.255.255.224/28', '255.255.255.240/29', '255.255.255.248/30', '255.255.255.252/31', '255.255.255.254/32'] }],
    // A mapped subnet shorter than /96 spans no IPv4 peer in proxy-addr: not everyone.
    [{ trustedProxies: ['::ffff:0:0/95'] }],
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

describe('trustsEveryone(list), checked against proxy-addr itself', () => {
  const randomIpv4 = () => Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join('.');
  const randomIpv6 = () => Array.from({ length: 8 }, () => Math.floor(Math.random() * 65536).toString(16)).join(':');
  it.each([
    [['0.0.0.0/1', '128.0.0.0/1'], randomIpv4],
    [['::ffff:0:0/96'], randomIpv4],
    [['0.0.0.0/1', '::ffff:128.0.0.0/97'], randomIpv4],
    [['::/1', '8000::/1'], randomIpv6],
  ])('%j: proxy-addr trusts every sampled address, and the list is refused', async (list, sample) => {
    const { default: proxyAddr } = await import('proxy-addr');
    const trust = proxyAddr.compile(list);
    for (let i = 0; i < 2000; i += 1) {
      const address = sample();
      expect([address, trust(address, 0)]).toEqual([address, true]);
    }
    expect(construct({ trustedProxies: list })).toThrow(/trusts every IPv(4|6) address/);
  });
});
