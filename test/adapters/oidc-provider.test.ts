import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { oidcProviderMtls, type OidcProviderContext, type OidcProviderMtlsOptions } from '../../src/adapters/oidc-provider.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer, pemToDerList } from '../../src/certificate/pem.js';
import type { ClientCertificateVerification } from '../../src/proxy/request.js';
import { readPki } from '../helpers/fixtures.js';
import { recordingLogger } from './logger.js';

// Unit tests of the three hooks on a stand-in context; through-nginx.test.ts and tls-source.test.ts
// run them inside node-oidc-provider over real TLS.
const certificate = (name: string): ClientCertificate => ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`)));
const withChain = (name: string): ClientCertificate => {
  const [leaf, ...chain] = pemToDerList(readPki(`${name}-chain.pem`));
  return ClientCertificate.fromDer(leaf!, chain);
};
const context = (clientCertificate?: ClientCertificate, clientCertificateVerification?: ClientCertificateVerification): OidcProviderContext =>
  ({ req: { clientCertificate, clientCertificateVerification, socket: { remoteAddress: '127.0.0.1' }, headers: { 'x-ssl-client-cert': encodeURIComponent(readPki('client-ec.pem')) } } as unknown as OidcProviderContext['req'] });

function helpers(options: Omit<OidcProviderMtlsOptions, 'logger'> = { trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem') }) {
  const logger = recordingLogger();
  return { ...oidcProviderMtls({ ...options, logger }), logger, codes: () => logger.lines.map((line) => line.object.code) };
}

describe('oidcProviderMtls(options)', () => {
  describe('when the options are wrong', () => {
    it.each([
      ['no options', undefined, /options must be an object/],
      ['an unknown key', { trustAnchor: readPki('root-ca.pem') }, /unknown option "trustAnchor". Did you mean "trustAnchors"\?/],
      ['no trust anchors for chain verification', {}, /trustAnchors is required with verification 'chain'/],
      ['a misspelled source', { source: 'middlewares', verification: 'proxy' }, /source must be one of 'middleware', 'tls'. Did you mean 'middleware'\?/],
      ['an unknown verification', { verification: 'header' }, /verification must be one of 'chain', 'proxy'/],
      ['trust anchors with proxy verification', { verification: 'proxy', trustAnchors: readPki('root-ca.pem') }, /trustAnchors only applies to verification 'chain'/],
      ['a bad chain length', { trustAnchors: readPki('root-ca.pem'), maxChainLength: 1 }, /maxChainLength must be an integer from 2 to 16/],
      ['trust anchors that are not certificates', { trustAnchors: 'not a pem' }, /^oidcProviderMtls: trustAnchors:/],
      ['a logger without warn', { verification: 'proxy', logger: { info() {} } }, /logger must have pino-style/],
    ])('throws a TypeError for %s', (_case, options, message) => {
      expect(() => oidcProviderMtls(options as OidcProviderMtlsOptions)).toThrow(TypeError);
      expect(() => oidcProviderMtls(options as OidcProviderMtlsOptions)).toThrow(message);
    });
  });

  describe('getCertificate(ctx)', () => {
    it('returns the PEM of the certificate clientCertificate() attached', () => {
      const pem = helpers().getCertificate(context(certificate('client-ec')));
      expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(pemToDer(pem!)).toEqual(pemToDer(readPki('client-ec.pem')));
    });

    it('returns undefined when the middleware attached none, even with a certificate header on the request', () => {
      expect(helpers().getCertificate(context())).toBeUndefined();
    });
  });

  describe("certificateAuthorized(ctx) with verification 'chain'", () => {
    it.each([
      ['a leaf of the intermediate (intermediate configured)', true, certificate('client-ec'), {}, []],
      ['a leaf with its forwarded chain (no intermediate configured)', true, withChain('client-ec'), { intermediates: undefined }, []],
      ['a leaf without chain (no intermediate configured)', false, certificate('client-ec'), { intermediates: undefined }, ['ERR_CHAIN_UNTRUSTED']],
      ['a certificate of an unrelated CA', false, certificate('client-unrelated'), {}, ['ERR_CHAIN_UNTRUSTED']],
      ['a self-signed certificate', false, certificate('client-self-signed'), {}, ['ERR_CHAIN_SELF_SIGNED']],
      ['an expired certificate', false, certificate('client-expired'), {}, ['ERR_CHAIN_EXPIRED']],
      ['a certificate not yet valid', false, certificate('client-not-yet-valid'), {}, ['ERR_CHAIN_NOT_YET_VALID']],
      ['no certificate', false, undefined, {}, ['ERR_CERTIFICATE_ABSENT']],
    ])('for %s answers %s', (_case, expected, presented, overrides, codes) => {
      const hooks = helpers({ trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem'), ...overrides });
      expect(hooks.certificateAuthorized(context(presented, { status: 'SUCCESS' }))).toBe(expected);
      expect(hooks.codes()).toEqual(codes);
    });
  });

  describe("certificateAuthorized(ctx) with verification 'proxy'", () => {
    it.each([
      [{ status: 'SUCCESS' }, true, []],
      [{ status: 'FAILED', reason: 'self-signed certificate' }, false, ['ERR_PROXY_NOT_VERIFIED']],
      [{ status: 'UNKNOWN' }, false, ['ERR_PROXY_NOT_VERIFIED']],
      [undefined, false, ['ERR_PROXY_NOT_VERIFIED']],
    ] as const)('for the proxy status %j answers %s', (verification, expected, codes) => {
      const hooks = helpers({ verification: 'proxy' });
      expect(hooks.certificateAuthorized(context(certificate('client-unrelated'), verification))).toBe(expected);
      expect(hooks.codes()).toEqual(codes);
    });

    it('answers false without a certificate, whatever the status says', () => {
      const hooks = helpers({ verification: 'proxy' });
      expect([hooks.certificateAuthorized(context(undefined, { status: 'SUCCESS' })), hooks.codes()]).toEqual([false, ['ERR_CERTIFICATE_ABSENT']]);
    });
  });

  describe('certificateSubjectMatches(ctx, property, expected)', () => {
    it.each([
      ['client-ec', 'tls_client_auth_subject_dn', 'CN=client-ec,OU=Payments,O=Example Corp,C=US', true],
      ['client-ec', 'tls_client_auth_subject_dn', 'cn=CLIENT-EC, ou=payments, o=example  corp, c=us', true],
      ['client-ec', 'tls_client_auth_subject_dn', 'C=US,O=Example Corp,OU=Payments,CN=client-ec', false],
      ['client-ec', 'tls_client_auth_subject_dn', 'CN=client-ec,OU=Payments,O=Example Corp', false],
      ['client-rsa', 'tls_client_auth_subject_dn', 'CN=client-ec,OU=Payments,O=Example Corp,C=US', false],
      ['client-ec', 'tls_client_auth_san_dns', 'CLIENT-EC.example.COM', true],
      ['client-ec', 'tls_client_auth_san_dns', 'other.example.com', false],
      ['client-ec', 'tls_client_auth_san_uri', 'spiffe://example.com/payments/client-ec', true],
      ['client-ec', 'tls_client_auth_san_uri', 'spiffe://example.com/payments/client-ec/', false],
      ['client-ec', 'tls_client_auth_san_ip', '192.0.2.10', true],
      ['client-ec', 'tls_client_auth_san_ip', '192.0.2.1', false],
      ['client-rsa', 'tls_client_auth_san_ip', '2001:0DB8:0:0:0:0:0:10', true],
      ['client-ec', 'tls_client_auth_san_email', 'client-ec@example.com', true],
      ['client-ec', 'tls_client_auth_san_email', 'someone@example.com', false],
    ])('%s, %s %j: %s', (name, property, expected, answer) => {
      const hooks = helpers();
      expect(hooks.certificateSubjectMatches(context(certificate(name)), property, expected)).toBe(answer);
      expect(hooks.codes()).toEqual(answer ? [] : ['ERR_SUBJECT_MISMATCH']);
    });

    it.each([
      ['no certificate', undefined, 'tls_client_auth_san_dns', 'client-ec.example.com', 'warn', 'ERR_CERTIFICATE_ABSENT'],
      ['an unparseable registered DN', certificate('client-ec'), 'tls_client_auth_subject_dn', 'CN=client-ec,,', 'error', 'ERR_DN_SYNTAX'],
      ['an unknown property', certificate('client-ec'), 'tls_client_auth_san_rid', 'x', 'error', undefined],
      ['a property inherited from Object', certificate('client-ec'), 'constructor', 'x', 'error', undefined],
    ])('answers false for %s and logs it', (_case, presented, property, expected, level, code) => {
      const hooks = helpers();
      expect(hooks.certificateSubjectMatches(context(presented), property, expected)).toBe(false);
      expect(hooks.logger.lines.map((line) => [line.level, line.object.code])).toEqual([[level, code]]);
    });
  });

  it('logs no part of the request beyond the thumbprint and the peer', () => {
    const hooks = helpers();
    hooks.certificateAuthorized(context(certificate('client-unrelated'), undefined));
    expect(Object.keys(hooks.logger.lines[0]!.object).sort()).toEqual(['code', 'detail', 'peer', 'thumbprint']);
  });

  it('reads nothing from a request that is not a TLS connection in source tls', () => {
    const hooks = helpers({ source: 'tls', verification: 'proxy' });
    const ctx = { req: { socket: { remoteAddress: '127.0.0.1' }, headers: {} } as unknown as IncomingMessage } as OidcProviderContext;
    expect([hooks.getCertificate(ctx), hooks.certificateAuthorized(ctx)]).toEqual([undefined, false]);
  });
});
