import { describe, expect, it } from '@jest/globals';
import { parseDistinguishedName } from '../../src/certificate/distinguished-name.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { canonicalIp, certificateSubjectMatches, subjectAltNameMatches, type ExpectedSubject } from '../../src/certificate/subject-match.js';
import { readPki } from '../helpers/fixtures.js';

const certificate = (name: string) => ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`)));
const clientEc = certificate('client-ec');
const clientRsa = certificate('client-rsa');

describe('subjectAltNameMatches(kind, expected, names)', () => {
  it.each([
    ['san_dns', 'client-ec.example.com', true],
    ['san_dns', 'CLIENT-EC.Example.COM', true],
    ['san_dns', 'client-ec.example.com.', false],
    ['san_dns', '*.example.com', false],
    ['san_dns', 'example.com', false],
    ['san_uri', 'spiffe://example.com/payments/client-ec', true],
    ['san_uri', 'SPIFFE://example.com/payments/client-ec', false],
    ['san_uri', 'spiffe://example.com/payments/client-ec/', false],
    ['san_ip', '192.0.2.10', true],
    ['san_ip', '192.0.2.1', false],
    ['san_ip', '::ffff:192.0.2.10', false],
    ['san_ip', 'not-an-ip', false],
    ['san_email', 'client-ec@example.com', true],
    ['san_email', 'Client-EC@example.com', false],
    ['san_email', 'client-ec.example.com', false],
  ] as const)('%s %s -> %s (client-ec)', (kind, expected, result) => {
    expect(subjectAltNameMatches(kind, expected, clientEc.subjectAltNames)).toBe(result);
  });

  it.each([
    ['2001:db8::10', true],
    ['2001:0DB8:0000:0000:0000:0000:0000:0010', true],
    ['2001:db8:0:0::10', true],
    ['2001:db8::11', false],
    ['192.0.2.10', false],
  ])('matches IPv6 %s by address -> %s (client-rsa)', (expected, result) => {
    expect(subjectAltNameMatches('san_ip', expected, clientRsa.subjectAltNames)).toBe(result);
  });

  // RFC 8705 section 2.1.2 compares the registered name with the SAN entry; a wildcard in the
  // certificate is a literal name there, not a pattern (unlike RFC 6125 server identity).
  it.each([
    ['*.example.com', 'alice.example.com'],
    ['*.example.com', 'example.com'],
    ['*.example.com', 'a.b.example.com'],
    ['alice.*.com', 'alice.example.com'],
    ['*', 'alice.example.com'],
    ['ALICE.example.com.', 'alice.example.com'],
  ])('a certificate with the dNSName %s does not match the registered %s', (inCertificate, registered) => {
    expect(subjectAltNameMatches('san_dns', registered, { dns: [inCertificate], uri: [], ip: [], email: [] })).toBe(false);
  });

  it('a wildcard dNSName matches only the same literal registration', () => {
    expect(subjectAltNameMatches('san_dns', '*.example.com', { dns: ['*.example.com'], uri: [], ip: [], email: [] })).toBe(true);
  });

  it('does not cross kinds: a DNS name is no URI and an email is no DNS name', () => {
    expect(subjectAltNameMatches('san_uri', 'client-ec.example.com', clientEc.subjectAltNames)).toBe(false);
    expect(subjectAltNameMatches('san_dns', 'client-ec@example.com', clientEc.subjectAltNames)).toBe(false);
  });
});

describe('canonicalIp(text)', () => {
  it.each([['192.0.2.10', '192.0.2.10'], ['2001:DB8::0:10', '2001:db8::10'], ['::1', '::1'], ['1.2.3', undefined], ['example.com', undefined], ['fe80::1%eth0', undefined], ['::%0A', undefined]])('%s -> %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });
});

describe('certificateSubjectMatches(certificate, expected)', () => {
  const cases: [string, ExpectedSubject, boolean][] = [
    ['subject DN', { kind: 'subject_dn', value: parseDistinguishedName('cn=Client-EC, ou=Payments, o=Example Corp, c=US') }, true],
    ['another subject DN', { kind: 'subject_dn', value: parseDistinguishedName('CN=client-rsa,O=Example Corp,C=US') }, false],
    ['dns SAN', { kind: 'san_dns', value: 'client-ec.example.com' }, true],
    ['CN is not a DNS SAN', { kind: 'san_dns', value: 'client-ec' }, false],
  ];
  it.each(cases)('%s -> %s', (_name, expected, result) => {
    expect(certificateSubjectMatches(clientEc, expected)).toBe(result);
  });
});
