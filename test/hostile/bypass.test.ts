/**
 * Bypassing the proxy: a client that reaches the app's port itself. The app trusts exactly the
 * proxy's address (127.0.0.1); the client binds 127.0.0.2 (`localAddress`). Its forwarding headers
 * are refused (400 invalid_request) before any route runs; without them it is a client without a
 * certificate. The same bytes from 127.0.0.1 are believed: that is why the app port must be
 * reachable by the proxy only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { API_PATH, CLIENT_ID, MTLS_HOST, startHostileApp, type HostileApp } from './stack.js';
import { exchange, oauthError, requestBytes, tokenRequest } from './wire.js';

const VICTIM = opensslThumbprint(pkiPath('client-ec.pem'));
const FORM = `grant_type=client_credentials&client_id=${CLIENT_ID}`;
const forged = (name: string): [string, string][] => [[name, encodeURIComponent(readPki('client-ec.pem'))], ['X-SSL-Client-Verify', 'SUCCESS']];
const UNTRUSTED = '127.0.0.2';

describe('a client connecting straight to the app port, from an address that is not the proxy', () => {
  let app: HostileApp;
  beforeAll(async () => { app = await startHostileApp('nginx'); });
  afterAll(async () => { await app?.close(); });

  const spellings = ['X-SSL-Client-Cert', 'x-ssl-client-cert', 'X_SSL_CLIENT_CERT', 'X-SSL_Client-Cert'];

  it.each(spellings)('POST /token with a forged %s: 400 invalid_request, no route runs', async (name) => {
    app.reset();
    const result = await exchange({ port: app.port, localAddress: UNTRUSTED }, tokenRequest(MTLS_HOST, FORM, forged(name)));
    expect(result).toMatchObject({ kind: 'response', status: 400 });
    expect(oauthError(result)).toBe('invalid_request');
    expect(app.counters.passedCertificateMiddleware).toBe(0);
    expect(app.counters.tokensIssued).toBe(0);
    expect(app.counters.logs).toHaveLength(1);
    expect(app.counters.logs[0]).toMatch(/not a trusted proxy.*127\.0\.0\.2/);
  });

  it.each(spellings)(`GET ${API_PATH} with a forged %s: 400 invalid_request, the API never runs`, async (name) => {
    app.reset();
    const result = await exchange({ port: app.port, localAddress: UNTRUSTED }, requestBytes('GET', API_PATH, MTLS_HOST, [['Authorization', 'Bearer a.b.c'], ...forged(name)]));
    expect(result).toMatchObject({ kind: 'response', status: 400 });
    expect(app.counters.passedCertificateMiddleware).toBe(0);
    expect(app.counters.apiHandler).toBe(0);
  });

  it('POST /token without forwarding headers: an ordinary client without a certificate, 401 invalid_client', async () => {
    app.reset();
    const result = await exchange({ port: app.port, localAddress: UNTRUSTED }, tokenRequest(MTLS_HOST, FORM));
    expect(result).toMatchObject({ kind: 'response', status: 401 });
    expect(oauthError(result)).toBe('invalid_client');
    expect(app.counters.tokensIssued).toBe(0);
    expect(app.counters.thumbprints).toEqual([]);
  });

  it('the same forged header from 127.0.0.1 (the trusted proxy address) is believed: only the proxy may reach the port', async () => {
    app.reset();
    const result = await exchange({ port: app.port, localAddress: '127.0.0.1' }, tokenRequest(MTLS_HOST, FORM, forged('X-SSL-Client-Cert')));
    expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(app.counters.thumbprints).toEqual([VICTIM]);
  });
});
