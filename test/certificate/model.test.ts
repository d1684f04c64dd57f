import { X509Certificate } from 'node:crypto';
import { ClientCertificate } from '../../src/certificate/model.js';
import { CertificateHeaderError } from '../../src/certificate/errors.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { opensslSubject, opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';

const names = ['client-ec', 'client-ec-p384', 'client-rsa', 'client-ed25519', 'client-self-signed', 'server'];

describe('ClientCertificate.fromDer', () => {
  it.each(names)('%s: thumbprint and subject agree with openssl', (name) => {
    const certificate = ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`)));
    expect(certificate.thumbprint).toBe(opensslThumbprint(pkiPath(`${name}.pem`)));
    expect(certificate.subject).toBe(opensslSubject(pkiPath(`${name}.pem`)));
  });

  it('reads SANs, validity, serial and the public key like node:crypto does', () => {
    const der = pemToDer(readPki('client-ec.pem'));
    const certificate = ClientCertificate.fromDer(der);
    const reference = new X509Certificate(der);
    expect(certificate.subjectAltNames).toEqual({
      dns: ['client-ec.example.com'],
      uri: ['spiffe://example.com/payments/client-ec'],
      ip: ['192.0.2.10'],
      email: ['client-ec@example.com'],
    });
    expect(certificate.serialNumber).toBe(reference.serialNumber);
    expect(certificate.notBefore.getTime()).toBe(new Date(reference.validFrom).getTime());
    expect(certificate.notAfter.getTime()).toBe(new Date(reference.validTo).getTime());
    expect(certificate.publicKey.equals(reference.publicKey)).toBe(true);
    expect(certificate.issuer).toBe('CN=mtls-pop Dev Intermediate CA,O=mtls-pop Dev,C=US');
  });

  it('formats IPv6 SANs canonically', () => {
    const certificate = ClientCertificate.fromDer(pemToDer(readPki('client-rsa.pem')));
    expect(certificate.subjectAltNames.ip).toEqual(['2001:db8::10']);
  });

  it('refuses trailing bytes and non-certificates with typed codes', () => {
    const der = pemToDer(readPki('client-ec.pem'));
    const codeOf = (bytes: Uint8Array) => {
      try {
        ClientCertificate.fromDer(bytes);
        return 'accepted';
      } catch (error) {
        return (error as CertificateHeaderError).code;
      }
    };
    expect(codeOf(Buffer.concat([der, Buffer.from([0])]))).toBe('ERR_CERT_HEADER_TRAILING_DATA');
    expect(codeOf(der.subarray(0, der.length - 1))).toBe('ERR_CERT_INVALID');
    expect(codeOf(Buffer.from([0x30, 0x00]))).toBe('ERR_CERT_INVALID');
    expect(codeOf(Buffer.alloc(0))).toBe('ERR_CERT_INVALID');
  });
});

describe('only DER is accepted (RFC 5280 section 4.1)', () => {
  /** client-ec.pem with its signatureValue BIT STRING claiming `unused` unused bits. */
  function withUnusedBits(unused: number): Buffer {
    const der = Buffer.from(pemToDer(readPki('client-ec.pem')));
    const outerLengthBytes = der[1]! & 0x80 ? (der[1]! & 0x7f) : 0;
    let offset = 2 + outerLengthBytes;
    for (let child = 0; child < 2; child += 1) {
      const lengthByte = der[offset + 1]!;
      const count = lengthByte & 0x80 ? lengthByte & 0x7f : 0;
      let length = count === 0 ? lengthByte : 0;
      for (let i = 0; i < count; i += 1) length = length * 256 + der[offset + 2 + i]!;
      offset += 2 + count + length;
    }
    expect(der[offset]).toBe(0x03);
    const contentStart = offset + 2 + (der[offset + 1]! & 0x80 ? der[offset + 1]! & 0x7f : 0);
    der[contentStart] = unused;
    return der;
  }

  it('refuses bytes that node:crypto parses but re-encodes differently (BIT STRING with non-zero unused bits)', () => {
    const bytes = withUnusedBits(7);
    // The oracle: OpenSSL parses it, and its encoding of the certificate is not these bytes.
    expect(new X509Certificate(bytes).raw.equals(bytes)).toBe(false);
    const certificate = ClientCertificate.fromDer(bytes);
    expect(() => certificate.validate()).toThrow(expect.objectContaining({ name: 'CertificateHeaderError', code: 'ERR_CERT_NOT_DER' }));
  });

  it('refuses it in a forwarded header too, and as a chain certificate (ERR_CERT_CHAIN_INVALID)', () => {
    const bytes = withUnusedBits(7);
    expect(() => parseForwardedCertificate(bytes.toString('base64'), 'base64-der')).toThrow(expect.objectContaining({ code: 'ERR_CERT_NOT_DER' }));
    const leaf = pemToDer(readPki('client-ec.pem'));
    expect(() => parseForwardedCertificate(Buffer.from(leaf).toString('base64'), 'base64-der', { chain: [bytes.toString('base64')] })).toThrow(expect.objectContaining({ code: 'ERR_CERT_CHAIN_INVALID' }));
  });

  it('keeps accepting a BIT STRING whose unused bits are zero, as DER allows', () => {
    const bytes = withUnusedBits(1);
    expect(new X509Certificate(bytes).raw.equals(bytes)).toBe(true);
    expect(() => ClientCertificate.fromDer(bytes).validate()).not.toThrow();
  });
});
