import { detectForwardedFormat, parseForwardedCertificate } from '../../src/forwarded/index.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { codeOf } from './helpers.js';

// Fastly tls.client.certificate.raw_certificate_b64: "a base64 encoded string of the X509 PEM format certificate".
const pemOf = (file: string) => readPki(file).match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----\n/)![0];
const fastly = (pem: string) => Buffer.from(pem, 'latin1').toString('base64');

describe("format 'base64-pem'", () => {
  it.each(['client-rsa.pem', 'client-ec.pem', 'client-ed25519.pem', 'client-ec-p384.pem'])('decodes %s to openssl\'s thumbprint', (file) => {
    expect(parseForwardedCertificate(fastly(pemOf(file)), 'base64-pem').thumbprint).toBe(opensslThumbprint(pkiPath(file)));
  });

  it('is what auto detects for base64 of PEM, and never for base64 of DER', () => {
    expect(detectForwardedFormat(fastly(pemOf('client-rsa.pem')))).toBe('base64-pem');
    expect(parseForwardedCertificate(fastly(pemOf('client-rsa.pem')), 'auto').thumbprint).toBe(opensslThumbprint(pkiPath('client-rsa.pem')));
    const der = Buffer.from(pemOf('client-rsa.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    expect(detectForwardedFormat(der)).toBe('base64-der');
  });

  it.each([
    ['base64 of DER (format base64-der)', () => Buffer.from(pemOf('client-rsa.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64'), 'ERR_CERT_HEADER_FORMAT'],
    ['two certificates', () => fastly(pemOf('client-rsa.pem') + pemOf('intermediate-ca.pem')), 'ERR_CERT_HEADER_MULTIPLE'],
    ['base64 with line breaks', () => fastly(pemOf('client-rsa.pem')).replace(/(.{76})/g, '$1\n'), 'ERR_CERT_HEADER_ENCODING'],
    // Base64 of ASCII text rarely holds + or /; this one ends in padding, which base64url drops.
    ['base64url (unpadded)', () => Buffer.from(pemOf('client-ed25519.pem')).toString('base64url'), 'ERR_CERT_HEADER_ENCODING'],
    ['a value cut short (Fastly caps the variable at 4 KiB)', () => fastly(pemOf('client-rsa.pem')).slice(0, 1200), 'ERR_CERT_HEADER_FORMAT'],
    ['PEM of something else', () => fastly('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'ERR_CERT_INVALID'],
    ['the PEM itself, not its base64', () => pemOf('client-rsa.pem').replace(/\n/g, ''), 'ERR_CERT_HEADER_ENCODING'],
  ])('refuses %s', (_name, value, code) => {
    expect(codeOf(() => parseForwardedCertificate(value(), 'base64-pem'))).toBe(code);
  });

  it('has no separate chain header', () => {
    expect(() => parseForwardedCertificate(fastly(pemOf('client-rsa.pem')), 'base64-pem', { chain: ['x'] })).toThrow(TypeError);
  });
});
