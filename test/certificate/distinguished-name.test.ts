import { describe, expect, it } from '@jest/globals';
import { distinguishedNamesEqual, DistinguishedNameSyntaxError, formatDistinguishedName, parseDistinguishedName } from '../../src/certificate/distinguished-name.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { opensslSubject, pkiPath, readPki } from '../helpers/fixtures.js';

const certificate = (name: string) => ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`)));
const clientEc = certificate('client-ec');
const matches = (dn: string) => distinguishedNamesEqual(clientEc.subjectName, parseDistinguishedName(dn));

describe('parseDistinguishedName(dn)', () => {
  it('returns the RDNs in DER order (RFC 4514 strings name the last RDN first)', () => {
    expect(parseDistinguishedName('CN=a,O=b,C=US')).toEqual([[{ type: '2.5.4.6', value: 'US' }], [{ type: '2.5.4.10', value: 'b' }], [{ type: '2.5.4.3', value: 'a' }]]);
  });

  it.each([
    ['escaped comma', 'CN=Smith\\, John', 'Smith, John'],
    ['escaped plus and quote', 'CN=a\\+b\\"c', 'a+b"c'],
    ['hex pair UTF-8', 'CN=Lu\\C4\\8Di\\C4\\87', 'Lučić'],
    ['escaped leading space', 'CN=\\ x', ' x'],
    ['escaped trailing space', 'CN=x\\ ', 'x '],
    ['unescaped trailing spaces dropped', 'CN=x  ', 'x'],
    ['hexstring of a UTF8String', 'CN=#0c026869', 'hi'],
    ['hexstring of another type stays hex', 'CN=#0201FF', '#0201ff'],
    ['numeric OID type', '2.5.4.3=abc', 'abc'],
    ['OID. prefix', 'OID.2.5.4.3=abc', 'abc'],
  ])('%s', (_name, dn, value) => {
    expect(parseDistinguishedName(dn)[0]![0]!.value).toBe(value);
  });

  it('reads a multi-valued RDN as one set', () => {
    expect(parseDistinguishedName('CN=a+UID=b,O=c')[1]).toEqual([{ type: '2.5.4.3', value: 'a' }, { type: '0.9.2342.19200300.100.1.1', value: 'b' }]);
  });

  it.each([
    ['empty', ''],
    ['no equals', 'CN'],
    ['unknown name', 'XX=a'],
    ['bad escape', 'CN=a\\q'],
    ['trailing comma', 'CN=a,'],
    ['empty RDN', 'CN=a,,O=b'],
    ['odd hex', 'CN=#0c0'],
    ['too long', 'CN=' + 'a'.repeat(5000)],
  ])('refuses %s with ERR_DN_SYNTAX', (_name, dn) => {
    let caught: unknown;
    try {
      parseDistinguishedName(dn);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DistinguishedNameSyntaxError);
    expect((caught as DistinguishedNameSyntaxError).code).toBe('ERR_DN_SYNTAX');
  });

  it('round-trips formatDistinguishedName for every fixture certificate', () => {
    for (const name of ['client-ec', 'client-rsa', 'client-ed25519', 'client-ec-p384', 'client-self-signed', 'root-ca', 'intermediate-ca']) {
      const subject = certificate(name).subjectName;
      expect(distinguishedNamesEqual(parseDistinguishedName(formatDistinguishedName(subject)), subject)).toBe(true);
    }
  });
});

describe('distinguishedNamesEqual(a, b)', () => {
  it.each(['client-ec', 'client-rsa', 'client-ed25519', 'client-ec-p384', 'client-self-signed', 'client-expired'])(
    'matches what `openssl x509 -subject -nameopt RFC2253` prints for %s', (name) => {
      expect(distinguishedNamesEqual(certificate(name).subjectName, parseDistinguishedName(opensslSubject(pkiPath(`${name}.pem`))))).toBe(true);
    });

  it.each([
    ['the exact string', 'CN=client-ec,OU=Payments,O=Example Corp,C=US'],
    ['other case in values (caseIgnoreMatch)', 'CN=CLIENT-EC,OU=payments,O=example corp,C=us'],
    ['other case in type names', 'cn=client-ec,ou=Payments,o=Example Corp,c=US'],
    ['insignificant spaces', 'CN=client-ec , OU= Payments,O=Example   Corp ,C=US'],
    ['long type names', 'commonName=client-ec,organizationalUnitName=Payments,organizationName=Example Corp,countryName=US'],
    ['numeric OIDs', '2.5.4.3=client-ec,2.5.4.11=Payments,2.5.4.10=Example Corp,2.5.4.6=US'],
    ['an escaped space', 'CN=client-ec,OU=Payments,O=Example\\20Corp,C=US'],
    ['hex escapes', 'CN=client\\2Dec,OU=Payments,O=Example Corp,C=US'],
  ])('accepts %s', (_name, dn) => {
    expect(matches(dn)).toBe(true);
  });

  it.each([
    ['RDNs in the other order', 'C=US,O=Example Corp,OU=Payments,CN=client-ec'],
    ['a missing RDN', 'CN=client-ec,O=Example Corp,C=US'],
    ['an extra RDN', 'CN=client-ec,OU=Payments,O=Example Corp,C=US,DC=com'],
    ['another value', 'CN=client-ec2,OU=Payments,O=Example Corp,C=US'],
    ['another attribute type', 'UID=client-ec,OU=Payments,O=Example Corp,C=US'],
    ['two RDNs merged into a multi-valued one', 'CN=client-ec+OU=Payments,O=Example Corp,C=US'],
  ])('refuses %s', (_name, dn) => {
    expect(matches(dn)).toBe(false);
  });

  it('compares multi-valued RDNs as sets', () => {
    expect(distinguishedNamesEqual(parseDistinguishedName('CN=a+UID=b,O=c'), parseDistinguishedName('UID=b+CN=a,O=c'))).toBe(true);
    expect(distinguishedNamesEqual(parseDistinguishedName('CN=a+UID=b,O=c'), parseDistinguishedName('CN=a,UID=b,O=c'))).toBe(false);
  });

  it.each([
    ['the Kelvin sign (Unicode lower-casing folds it to k)', 'CN=\u212Aey', 'CN=key'],
    ['full-width letters (NFKC folds them)', 'CN=\uff21lice', 'CN=Alice'],
    ['circled letters (NFKC folds them)', 'CN=\u24d0lice', 'CN=alice'],
    ['an ideographic space for a space', 'CN=a\u3000b', 'CN=a b'],
    ['a no-break space for a space', 'CN=a\u00a0b', 'CN=a b'],
    ['a dotted capital I (Unicode lower-casing makes two code points)', 'CN=\u0130', 'CN=i\u0307'],
  ])('folds only ASCII: %s stays distinct', (_name, a, b) => {
    expect(distinguishedNamesEqual(parseDistinguishedName(a), parseDistinguishedName(b))).toBe(false);
  });

  it('folds ASCII case and ASCII white space in values (RFC 4518 section 2.6.1)', () => {
    expect(distinguishedNamesEqual(parseDistinguishedName('CN=Alice\\09 Smith '), parseDistinguishedName('CN= alice smith'))).toBe(true);
  });

  it('compares attributes of unknown types exactly (case matters)', () => {
    expect(distinguishedNamesEqual(parseDistinguishedName('1.2.3.4=Abc'), parseDistinguishedName('1.2.3.4=abc'))).toBe(false);
    expect(distinguishedNamesEqual(parseDistinguishedName('1.2.3.4=Abc'), parseDistinguishedName('1.2.3.4= Abc '))).toBe(true);
  });
});

describe('parseDistinguishedName(formatDistinguishedName(rdns)) (property)', () => {
  it('gives back an equal name for arbitrary attribute values', async () => {
    const fc = (await import('fast-check')).default;
    const value = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((text) => !text.startsWith('#'));
    const rdn = fc.array(fc.record({ type: fc.constantFrom('2.5.4.3', '2.5.4.10', '2.5.4.11', '1.2.3.4'), value }), { minLength: 1, maxLength: 2 });
    fc.assert(fc.property(fc.array(rdn, { minLength: 1, maxLength: 4 }), (rdns) => {
      expect(distinguishedNamesEqual(parseDistinguishedName(formatDistinguishedName(rdns)), rdns)).toBe(true);
    }), { numRuns: 300 });
  });
});
