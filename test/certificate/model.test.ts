import { X509Certificate } from 'node:crypto';
import { ClientCertificate } from '../../src/certificate/model.js';
import { CertificateHeaderError } from '../../src/certificate/errors.js';
import { pemToDer } from '../../src/certificate/pem.js';
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
