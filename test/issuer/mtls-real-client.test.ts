import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { Agent, fetch as undiciFetch } from 'undici';
import { authorizationServer, KeyStore } from '../../src/issuer/index.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { memoryLogger, RESOURCE, sampleClients } from './helpers.js';

const run = promisify(execFile);
let server: Server;
let issuer: string;
let mtlsBase: string;
const agents: Agent[] = [];

beforeAll(async () => {
  let handler: express.Express | undefined;
  server = createServer({ cert: readPki('server.pem') + readPki('intermediate-ca.pem'), key: readPki('server.key'), requestCert: true, rejectUnauthorized: false },
    (req, res) => handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `https://localhost:${port}`;
  mtlsBase = `https://127.0.0.1:${port}`;
  const app = express();
  app.use(clientCertificate({ source: 'tls' }));
  const common = { keys: await KeyStore.generate(), clients: sampleClients, trustAnchors: readPki('root-ca.pem'), mtlsBaseUrl: mtlsBase, logger: memoryLogger() };
  // Two issuers on one server (routes carry the issuer path): one relies on the chain the client
  // sends, one also has the intermediate configured. A resumed TLS session gives Node no peer
  // chain (getPeerCertificate(true) has no issuerCertificate), so clients that reuse sessions need the second.
  app.use(authorizationServer({ ...common, issuer }));
  app.use(authorizationServer({ ...common, issuer: `${issuer}/with-intermediates`, intermediates: readPki('intermediate-ca.pem') }));
  handler = app;
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** oauth4webapi's customFetch over an undici Agent that presents the client certificate. */
function fetchWith(certificateFile: string, keyFile: string): typeof fetch {
  const agent = new Agent({ connect: { cert: readPki(certificateFile), key: readPki(keyFile), ca: readPki('ca-bundle.pem') } });
  agents.push(agent);
  return ((url: string, init: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
}

/** RFC 8414 discovery (`algorithm: 'oauth2'`: /.well-known/oauth-authorization-server/with-intermediates). */
async function discover(customFetch: typeof fetch): Promise<oauth.AuthorizationServer> {
  const identifier = new URL(`${issuer}/with-intermediates`);
  const response = await oauth.discoveryRequest(identifier, { algorithm: 'oauth2', [oauth.customFetch]: customFetch });
  return oauth.processDiscoveryResponse(identifier, response);
}

describe('a real client over a real mTLS connection', () => {
  it('oauth4webapi (TlsClientAuth, mTLS endpoint aliases) obtains, introspects and revokes a certificate-bound token', async () => {
    const customFetch = fetchWith('client-ec-chain.pem', 'client-ec.key');
    const as = await discover(customFetch);
    expect(as.mtls_endpoint_aliases?.token_endpoint).toBe(`${mtlsBase}/with-intermediates/token`);
    const client: oauth.Client = { client_id: 'client-ec-dns', use_mtls_endpoint_aliases: true };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.TlsClientAuth(), { scope: 'payments:read', resource: RESOURCE }, { [oauth.customFetch]: customFetch });
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens.token_type).toBe('bearer');
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ iss: `${issuer}/with-intermediates`, client_id: 'client-ec-dns', aud: RESOURCE, scope: 'payments:read' });
    expect(claims.cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath('client-ec.pem')) });

    const introspection = await oauth.processIntrospectionResponse(as, client,
      await oauth.introspectionRequest(as, client, oauth.TlsClientAuth(), tokens.access_token, { [oauth.customFetch]: customFetch }));
    expect(introspection).toMatchObject({ active: true, client_id: 'client-ec-dns', cnf: { 'x5t#S256': opensslThumbprint(pkiPath('client-ec.pem')) } });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.TlsClientAuth(), tokens.access_token, { [oauth.customFetch]: customFetch }));
    const after = await oauth.processIntrospectionResponse(as, client,
      await oauth.introspectionRequest(as, client, oauth.TlsClientAuth(), tokens.access_token, { [oauth.customFetch]: customFetch }));
    expect(after.active).toBe(false);
  });

  it('oauth4webapi with a self-signed certificate (self_signed_tls_client_auth)', async () => {
    const customFetch = fetchWith('client-self-signed.pem', 'client-self-signed.key');
    const as = await discover(customFetch);
    const client: oauth.Client = { client_id: 'client-self-signed', use_mtls_endpoint_aliases: true };
    const tokens = await oauth.processClientCredentialsResponse(as, client,
      await oauth.clientCredentialsGrantRequest(as, client, oauth.TlsClientAuth(), { resource: RESOURCE }, { [oauth.customFetch]: customFetch }));
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath('client-self-signed.pem')) });
  });

  // curl (OpenSSL) completes the client's chain from its --cacert store: with root-ca.pem alone it sends only what --cert holds.
  const curl = async (certificate: string | undefined, key: string | undefined, form: string[], extra: string[] = []) => {
    const args = ['-sS', '--cacert', pkiPath('root-ca.pem'), '-w', '\n%{http_code}', ...extra];
    if (certificate && key) args.push('--cert', pkiPath(certificate), '--key', pkiPath(key));
    for (const field of form) args.push('--data-urlencode', field);
    const { stdout } = await run('curl', [...args, `${mtlsBase}/token`]);
    const lines = stdout.trim().split('\n');
    return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n')) as Record<string, string> };
  };

  it.each([
    ['client-rsa-ip6', 'client-rsa-chain.pem', 'client-rsa.key', 'client-rsa.pem'],
    ['client-ed25519-email', 'client-ed25519-chain.pem', 'client-ed25519.key', 'client-ed25519.pem'],
    ['client-ec-dn', 'client-ec-chain.pem', 'client-ec.key', 'client-ec.pem'],
  ])('curl --cert obtains a token for %s bound to the certificate openssl fingerprints', async (clientId, certificate, key, leaf) => {
    const { status, body } = await curl(certificate, key, ['grant_type=client_credentials', `client_id=${clientId}`, `resource=${RESOURCE}`]);
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!).cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath(leaf)) });
  });

  it('curl with Basic credentials and a certificate gets a bound token for the secret client registered for binding', async () => {
    const { status, body } = await curl('client-ec-chain.pem', 'client-ec.key', ['grant_type=client_credentials', `resource=${RESOURCE}`],
      ['-u', 'client-secret-bound:development-secret-change-me-0123456789']);
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!).cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath('client-ec.pem')) });
  });

  it.each([
    ['a certificate of an unrelated CA with the right SAN', 'client-unrelated.pem', 'client-unrelated.key', 'client-ec-dns', 401, 'invalid_client'],
    ['no certificate', undefined, undefined, 'client-ec-dns', 401, 'invalid_client'],
    ['the leaf without its intermediate', 'client-ec.pem', 'client-ec.key', 'client-ec-dns', 401, 'invalid_client'],
  ])('curl with %s is refused', async (_name, certificate, key, clientId, status, error) => {
    const result = await curl(certificate, key, ['grant_type=client_credentials', `client_id=${clientId}`, `resource=${RESOURCE}`]);
    expect(result.status).toBe(status);
    expect(result.body.error).toBe(error);
  });
});
