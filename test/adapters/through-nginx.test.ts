import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { serverAvailable, withServerLogs } from '../helpers/servers.js';
import {
  AUDIENCE, SCOPE, decodeJwt, forgedCertificateHeader, startStack, straightToApp, throughNginx, type Answer, type Stack,
} from './stack.js';

// Real nginx (our template) -> clientCertificate -> node-oidc-provider 9 (oidcProviderMtls) and
// Auth0's express-oauth2-jwt-bearer (auth0GetCertificate), with real client certificates.
if (!serverAvailable('nginx')) throw new Error('nginx is required for the adapter interop tests');

let stack: Stack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack?.stop(); });

const tokenRequest = (clientId: string) => ({ grant_type: 'client_credentials', client_id: clientId, scope: SCOPE, resource: AUDIENCE });
const tokenPath = (issuer: string) => `${new URL(issuer).pathname}/token`;

/** Runs `check` with nginx's logs appended on failure, and the adapter's log lines of this call only. */
async function observed(call: () => Promise<Answer>): Promise<Answer & { codes: unknown[] }> {
  const before = stack.logger.lines.length;
  const answer = await withServerLogs([stack.nginx], call);
  return { ...answer, codes: stack.logger.lines.slice(before).map((line) => line.object.code) };
}

const thumbprintOf = (fixture: string) => opensslThumbprint(pkiPath(`${fixture}.pem`));

describe('oidcProviderMtls: node-oidc-provider behind nginx and clientCertificate()', () => {
  describe.each([
    ['chain', () => stack.chainIssuer],
    ['proxy', () => stack.proxyIssuer],
  ])("with verification '%s'", (_verification, issuer) => {
    it.each([
      ['tls_client_auth, registered SAN dns', 'client-ec', 'client-ec'],
      ['tls_client_auth, registered DN written differently', 'client-ec', 'client-dn'],
      ['self_signed_tls_client_auth, registered x5c', 'client-self-signed', 'client-self-signed'],
    ])('issues a token bound to the certificate (%s)', async (_case, certificate, clientId) => {
      const answer = await observed(() => throughNginx(stack, { path: tokenPath(issuer()), form: tokenRequest(clientId), certificate }));
      expect([answer.status, answer.body.error_description]).toEqual([200, undefined]);
      const { header, payload } = decodeJwt(answer.body.access_token as string);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(payload).toMatchObject({ iss: issuer(), aud: AUDIENCE, client_id: clientId, scope: SCOPE });
      // RFC 8705 section 3.1: the binding is openssl's SHA-256 fingerprint of the certificate nginx saw.
      expect(payload.cnf).toEqual({ 'x5t#S256': thumbprintOf(certificate) });
    });

    it.each([
      ['no certificate', undefined, 'client-ec', {}, []],
      ['a certificate without the registered SAN', 'client-rsa', 'client-ec', {}, ['ERR_SUBJECT_MISMATCH']],
      ['a certificate without the registered DN', 'client-rsa', 'client-dn', {}, ['ERR_SUBJECT_MISMATCH']],
      ['a certificate that is not the registered self-signed one', 'client-ec', 'client-self-signed', {}, []],
      ['no certificate and a forged certificate header', undefined, 'client-ec', forgedCertificateHeader('client-ec'), []],
      ['another certificate and a forged certificate header', 'client-rsa', 'client-ec', forgedCertificateHeader('client-ec'), ['ERR_SUBJECT_MISMATCH']],
    ])('refuses %s with invalid_client', async (_case, certificate, clientId, headers, codes) => {
      const answer = await observed(() => throughNginx(stack, { path: tokenPath(issuer()), form: tokenRequest(clientId), certificate, headers }));
      expect([answer.status, answer.body.error, answer.body.access_token]).toEqual([401, 'invalid_client', undefined]);
      expect(answer.codes).toEqual(codes);
    });
  });

  it.each([
    ['chain', () => stack.chainIssuer, 'ERR_CHAIN_UNTRUSTED'],
    ['proxy', () => stack.proxyIssuer, 'ERR_PROXY_NOT_VERIFIED'],
  ])("refuses a certificate of an unrelated CA (verification '%s': certificateAuthorized is false)", async (_verification, issuer, code) => {
    const answer = await observed(() => throughNginx(stack, { path: tokenPath(issuer()), form: tokenRequest('client-ec'), certificate: 'client-unrelated' }));
    expect([answer.status, answer.body.error, answer.codes]).toEqual([401, 'invalid_client', [code]]);
  });

  describe('when the certificate header comes straight from a peer that is not the proxy', () => {
    it('gets 400 from clientCertificate (untrusted: reject) and no token', async () => {
      const answer = await observed(() => straightToApp(stack.appPort, { path: tokenPath(stack.chainIssuer), form: tokenRequest('client-ec'), headers: forgedCertificateHeader('client-ec') }));
      expect([answer.status, answer.body.error, answer.body.access_token]).toEqual([400, 'invalid_request', undefined]);
    });

    it.each([
      ['chain', () => stack.chainIssuer],
      ['proxy', () => stack.proxyIssuer],
    ])("gets no certificate from the adapter (untrusted: ignore, verification '%s') and no token", async (_verification, issuer) => {
      const answer = await observed(() => straightToApp(stack.ignoringAppPort, { path: tokenPath(issuer()), form: tokenRequest('client-ec'), headers: forgedCertificateHeader('client-ec') }));
      expect([answer.status, answer.body.error, answer.body.access_token]).toEqual([401, 'invalid_client', undefined]);
    });
  });
});

describe('auth0GetCertificate: express-oauth2-jwt-bearer behind the same nginx', () => {
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    for (const [certificate, clientId] of [['client-ec', 'client-ec'], ['client-self-signed', 'client-self-signed']] as const) {
      const answer = await throughNginx(stack, { path: tokenPath(stack.chainIssuer), form: tokenRequest(clientId), certificate });
      if (answer.status !== 200) throw new Error(`no token for ${clientId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      tokens[clientId] = answer.body.access_token as string;
    }
  });

  const callApi = (token: string, certificate?: string, headers: Record<string, string> = {}) =>
    throughNginx(stack, { path: '/api/payments', certificate, headers: { authorization: `Bearer ${token}`, ...headers } });

  it.each([
    ['client-ec', 'client-ec'],
    ['client-self-signed', 'client-self-signed'],
  ])('accepts the token of %s with the certificate it is bound to', async (clientId, certificate) => {
    expect(await withServerLogs([stack.nginx], () => callApi(tokens[clientId]!, certificate))).toMatchObject({ status: 200, body: { client: clientId } });
  });

  it.each([
    ['another certificate of the same CA', 'client-rsa', {}, 401, 'invalid_token'],
    ['the self-signed certificate of another client', 'client-self-signed', {}, 401, 'invalid_token'],
    ['a certificate of an unrelated CA', 'client-unrelated', {}, 401, 'invalid_token'],
    ['no certificate', undefined, {}, 400, 'invalid_request'],
    ['no certificate and a forged certificate header', undefined, forgedCertificateHeader('client-ec'), 400, 'invalid_request'],
    ['another certificate and a forged certificate header', 'client-rsa', forgedCertificateHeader('client-ec'), 401, 'invalid_token'],
  ])('refuses the token of client-ec with %s', async (_case, certificate, headers, status, error) => {
    const answer = await withServerLogs([stack.nginx], () => callApi(tokens['client-ec']!, certificate, headers));
    expect([answer.status, answer.body.error]).toEqual([status, error]);
  });

  it.each([
    ['reject', () => stack.appPort, 400, 'invalid_request'],
    ['ignore', () => stack.ignoringAppPort, 400, 'invalid_request'],
  ])('refuses the token with a forged header straight from a peer that is not the proxy (untrusted: %s)', async (_mode, port, status, error) => {
    const answer = await straightToApp(port(), { path: '/api/payments', headers: { authorization: `Bearer ${tokens['client-ec']!}`, ...forgedCertificateHeader('client-ec') } });
    expect([answer.status, answer.body.error]).toEqual([status, error]);
  });
});
