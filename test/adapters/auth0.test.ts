import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { GetCertificate } from 'express-oauth2-jwt-bearer';
import { auth0GetCertificate } from '../../src/adapters/auth0.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';

// Unit tests on a stand-in request; through-nginx.test.ts runs it inside Auth0's middleware.
// Compile-time check: it fits `auth({ getCertificate })` as typed by express-oauth2-jwt-bearer.
const hook: GetCertificate = auth0GetCertificate;
const requestWith = (clientCertificate?: ClientCertificate) =>
  ({ clientCertificate, headers: { 'x-ssl-client-cert': encodeURIComponent(readPki('client-ec.pem')) } }) as unknown as Parameters<GetCertificate>[0];

describe('auth0GetCertificate(req)', () => {
  it.each(['client-ec', 'client-rsa', 'client-self-signed'])('returns the DER whose SHA-256 is openssl\'s thumbprint (%s)', (name) => {
    const der = hook(requestWith(ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`))))) as Buffer;
    expect(Buffer.isBuffer(der)).toBe(true);
    expect(createHash('sha256').update(der).digest('base64url')).toBe(opensslThumbprint(pkiPath(`${name}.pem`)));
  });

  it('returns undefined when clientCertificate() attached none, whatever headers the request carries', () => {
    expect(hook(requestWith(undefined))).toBeUndefined();
  });
});
