import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OidcProviderMtlsOptions } from '../../src/adapters/oidc-provider.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { recordingLogger } from './logger.js';
import { AUDIENCE, SCOPE, decodeJwt, forgedCertificateHeader, provider, send, signingKeys, type Answer } from './stack.js';

// source: 'tls': node-oidc-provider on its own https server (no proxy, no Express), the adapter
// reading the TLS socket. The server asks for a certificate and lets the provider decide.
const logger = recordingLogger();
const servers: Server[] = [];
const issuers: Record<'chain' | 'proxy', string> = { chain: '', proxy: '' };

async function serve(adapter: Omit<OidcProviderMtlsOptions, 'logger' | 'source'>): Promise<string> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer({ key: readPki('server.key'), cert: readPki('server.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false },
    (req, res) => handler!(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://localhost:${(server.address() as AddressInfo).port}`;
  const { keys } = await signingKeys();
  handler = provider(issuer, keys, { ...adapter, source: 'tls', logger }).callback() as typeof handler;
  return issuer;
}

beforeAll(async () => {
  issuers.chain = await serve({ trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem') });
  issuers.proxy = await serve({ verification: 'proxy' });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function token(issuer: string, clientId: string, certificate?: string, headers: Record<string, string> = {}): Promise<Answer & { codes: unknown[] }> {
  const before = logger.lines.length;
  const identity = certificate ? { cert: readPki(`${certificate}.pem`), key: readPki(`${certificate}.key`) } : {};
  const { port } = new URL(issuer);
  return send(httpsRequest as typeof httpRequest, { host: '127.0.0.1', port, servername: 'localhost', ca: readPki('ca-bundle.pem'), ...identity }, {
    path: '/token', headers, form: { grant_type: 'client_credentials', client_id: clientId, scope: SCOPE, resource: AUDIENCE },
  }).then((answer) => ({ ...answer, codes: logger.lines.slice(before).map((line) => line.object.code) }));
}

describe("oidcProviderMtls({ source: 'tls' }): node-oidc-provider on its own https server", () => {
  describe.each(['chain', 'proxy'] as const)("with verification '%s'", (verification) => {
    it.each([
      ['client-ec', 'client-ec'],
      ['client-ec', 'client-dn'],
      ['client-self-signed', 'client-self-signed'],
    ])('binds the token of %s to the certificate of the TLS connection (client %s)', async (certificate, clientId) => {
      const answer = await token(issuers[verification], clientId, certificate);
      expect([answer.status, answer.body.error_description]).toEqual([200, undefined]);
      expect(decodeJwt(answer.body.access_token as string).payload.cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath(`${certificate}.pem`)) });
    });

    it.each([
      ['no certificate', undefined, 'client-ec', {}, []],
      ['a certificate of an unrelated CA', 'client-unrelated', 'client-ec', {}, [verification === 'chain' ? 'ERR_CHAIN_UNTRUSTED' : 'ERR_PROXY_NOT_VERIFIED']],
      ['a certificate without the registered SAN', 'client-rsa', 'client-ec', {}, ['ERR_SUBJECT_MISMATCH']],
      ['a certificate header instead of a certificate (never read)', undefined, 'client-ec', forgedCertificateHeader('client-ec'), []],
      ['another certificate and a certificate header (never read)', 'client-rsa', 'client-ec', forgedCertificateHeader('client-ec'), ['ERR_SUBJECT_MISMATCH']],
    ])('refuses %s with invalid_client', async (_case, certificate, clientId, headers, codes) => {
      const answer = await token(issuers[verification], clientId, certificate, headers);
      expect([answer.status, answer.body.error, answer.body.access_token, answer.codes]).toEqual([401, 'invalid_client', undefined, codes]);
    });
  });
});
