import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseForwardedCertificate, type ForwardedFormat } from '../../src/forwarded/index.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { codeOf, readHeader } from './helpers.js';

// Captured from nginx 1.22.1 and Apache 2.4.71 by scripts/capture-samples.ts (see fixtures/headers/real/VERSIONS.txt).
const clients = [
  { label: 'client-ec-chain', leaf: 'client-ec.pem' },
  { label: 'client-rsa', leaf: 'client-rsa.pem' },
  { label: 'client-rsa-chain', leaf: 'client-rsa.pem' },
];
const sources: { stem: string; format: ForwardedFormat }[] = [
  { stem: 'nginx-escaped-cert', format: 'nginx' },
  { stem: 'apache-cert', format: 'apache' },
  { stem: 'apache-escaped-cert', format: 'apache-escaped' },
];
const cases = sources.flatMap((source) => clients.map((client) => ({ ...source, ...client })));

describe('real header values captured from nginx and Apache httpd', () => {
  it.each(cases)('$stem for $label decodes to openssl\'s thumbprint, with $format and with auto', ({ stem, label, leaf, format }) => {
    const value = readHeader(`real/${stem}.${label}.txt`);
    expect(parseForwardedCertificate(value, format).thumbprint).toBe(opensslThumbprint(pkiPath(leaf)));
    expect(parseForwardedCertificate(value, 'auto').thumbprint).toBe(opensslThumbprint(pkiPath(leaf)));
  });

  it.each(clients)('Apache SSL_CLIENT_CERT_CHAIN_0 for $label becomes the chain of the certificate', ({ label, leaf }) => {
    const certificate = parseForwardedCertificate(readHeader(`real/apache-cert.${label}.txt`), 'apache', { chain: [readHeader(`real/apache-chain-0.${label}.txt`)] });
    expect(certificate.thumbprint).toBe(opensslThumbprint(pkiPath(leaf)));
    expect(certificate.chain.map((link) => link.thumbprint)).toEqual([opensslThumbprint(pkiPath('intermediate-ca.pem'))]);
  });

  it('nginx escapes + / = (no literal + ever reaches us) and uses upper-case hex', () => {
    const value = readHeader('real/nginx-escaped-cert.client-rsa.txt');
    expect(value).toMatch(/%2B/);
    expect(value).not.toMatch(/[+/= ]/);
    expect(value).not.toMatch(/%[0-9A-F]?[a-f]/);
  });

  it('Apache escape leaves + / = literal and uses lower-case hex', () => {
    const value = readHeader('real/apache-escaped-cert.client-rsa.txt');
    expect(value).toMatch(/\+/);
    expect(value).toMatch(/%0a/);
  });

  it('without a certificate: nginx sends no header, Apache sends (null) and an empty escaped value', () => {
    expect(existsSync(join(import.meta.dirname, '..', '..', 'fixtures', 'headers', 'real', 'nginx-escaped-cert.no-certificate.missing'))).toBe(true);
    expect(codeOf(() => parseForwardedCertificate(readHeader('real/apache-cert.no-certificate.txt'), 'apache'))).toBe('ERR_CERT_HEADER_ABSENT');
    expect(codeOf(() => parseForwardedCertificate(readHeader('real/apache-cert.no-certificate.txt'), 'auto'))).toBe('ERR_CERT_HEADER_ABSENT');
    expect(codeOf(() => parseForwardedCertificate(readHeader('real/apache-escaped-cert.no-certificate.txt'), 'apache-escaped'))).toBe('ERR_CERT_HEADER_EMPTY');
    expect(readHeader('real/apache-chain-0.no-certificate.txt')).toBe('(null)');
  });
});
