import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { authorizationServer, KeyStore, type AuthorizationServerOptions, type ClientMetadata } from '../../src/issuer/index.js';
import type { Logger } from '../../src/log.js';
import { readPki } from '../helpers/fixtures.js';

export const ISSUER = 'https://as.localhost';
export const RESOURCE = 'https://api.localhost/';

/** The sample registry shipped in fixtures/clients.json. */
export const sampleClients = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'clients.json'), 'utf8')) as { clients: ClientMetadata[] }).clients;

/** Secrets of the sample registry's secret clients. */
export const SECRETS = { 'client-secret-bound': 'development-secret-change-me-0123456789', 'client-secret-post': 'post-secret-for-tests-0123456789' };

/** A fixture PEM file (leaf first, then its chain) as the proxy middleware would set it. */
export function certificateOf(file: string): ClientCertificate {
  const [leaf, ...chain] = pemToDerList(readPki(`${file}.pem`));
  return ClientCertificate.fromDer(leaf!, chain);
}

export interface LogLine { level: string; object: Record<string, unknown>; message?: string }
/** A logger that keeps its lines. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (object: object, message?: string) => void lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * An app with the authorization server behind a unit-test stand-in for the proxy middleware:
 * `x-test-certificate: <fixture name>` sets req.clientCertificate.
 */
export async function buildApp(overrides: Partial<AuthorizationServerOptions> = {}): Promise<{ app: Express; keys: KeyStore; logger: ReturnType<typeof memoryLogger> }> {
  const keys = overrides.keys ?? (await KeyStore.generate());
  const logger = memoryLogger();
  const app = express();
  app.use((req, _res, next) => {
    const name = req.headers['x-test-certificate'];
    if (typeof name === 'string') req.clientCertificate = certificateOf(name);
    next();
  });
  app.use(authorizationServer({ issuer: ISSUER, keys, clients: sampleClients, trustAnchors: readPki('root-ca.pem'), mtlsBaseUrl: 'https://mtls.as.localhost', logger, ...overrides }));
  return { app, keys, logger };
}

/** `Authorization: Basic` for a client id and secret (RFC 6749 section 2.3.1 form-encoding). */
export const basic = (id: string, secret: string): string =>
  'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
