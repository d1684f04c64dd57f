/**
 * The authorization server with a real CA behind it (test/revocation/openssl-ca.ts): a unit-test
 * stand-in for the proxy middleware sets req.clientCertificate from `x-test-certificate: <PEM file>`
 * (leaf first, then the chain), as `clientCertificate()` would from a trusted proxy.
 */
import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import request from 'supertest';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { authorizationServer, KeyStore, type AuthorizationServerOptions } from '../../src/issuer/index.js';
import { memoryLogger } from '../issuer/helpers.js';
import type { OpensslCa } from './openssl-ca.js';

export const ISSUER = 'https://as.localhost';
export const RESOURCE = 'https://api.localhost/';

/** A certificate file (and its chain files) as the proxy middleware would set it. */
export function certificateFrom(files: readonly string[]): ClientCertificate {
  const [leaf, ...chain] = files.flatMap((file) => pemToDerList(readFileSync(file, 'utf8')));
  return ClientCertificate.fromDer(leaf!, chain);
}

let keys: KeyStore | undefined;

/** An app whose only client, "alice", is tls_client_auth with subject CN=<name> under `root`. */
export async function issuerApp(root: OpensslCa, names: readonly string[], options: Partial<AuthorizationServerOptions>): Promise<{ app: Express; logger: ReturnType<typeof memoryLogger> }> {
  keys ??= await KeyStore.generate();
  const logger = memoryLogger();
  const app = express();
  app.use((req, _res, next) => {
    const files = req.headers['x-test-certificate'];
    if (typeof files === 'string') req.clientCertificate = certificateFrom(files.split(','));
    next();
  });
  app.use(authorizationServer({
    issuer: ISSUER, keys, logger, trustAnchors: root.pem(), defaultResource: RESOURCE,
    clients: names.map((name) => ({ client_id: name, token_endpoint_auth_method: 'tls_client_auth' as const, tls_client_auth_subject_dn: `CN=${name}` })),
    ...options,
  }));
  return { app, logger };
}

/** POST /token for client `clientId` presenting the PEM files (leaf first). */
export function tokenRequest(app: Express, clientId: string, files: readonly string[]) {
  return request(app).post('/token').type('form').set('x-test-certificate', files.join(','))
    .send(new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId }).toString());
}

/** The `reason` of the last issuer_refused log line. */
export function lastRefusal(logger: ReturnType<typeof memoryLogger>): string {
  const line = [...logger.lines].reverse().find((item) => item.object.event === 'issuer_refused');
  return String(line?.object.reason ?? '');
}
