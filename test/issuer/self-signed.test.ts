/**
 * self_signed_tls_client_auth (RFC 8705 section 2.2): the client is the holder of exactly the
 * certificate it registered. Another certificate with the same subject, or the same key in a
 * re-issued certificate, is another certificate; the registered one only counts within its
 * validity period. The look-alike certificates are made by openssl at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { authorizationServer, KeyStore } from '../../src/issuer/index.js';
import { opensslSubject, opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { ISSUER, memoryLogger, RESOURCE, sampleClients } from './helpers.js';

const SUBJECT = '/C=US/O=Self Signed/CN=client-self-signed';
let dir: string;
const certificates = new Map<string, ClientCertificate>();

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtls-pop-self-signed-'));
  // The same subject name, another key pair.
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'same-subject.key'), '-subj', SUBJECT, '-days', '30', '-out', join(dir, 'same-subject.pem')]);
  // The registered key pair in a re-issued certificate (another subject, validity and signature).
  openssl(['req', '-x509', '-key', pkiPath('client-self-signed.key'), '-subj', '/C=US/O=Self Signed/CN=re-issued', '-days', '30', '-out', join(dir, 'same-key.pem')]);
  // The registered key pair and the registered subject, re-issued: only the thumbprint differs.
  openssl(['req', '-x509', '-key', pkiPath('client-self-signed.key'), '-subj', SUBJECT, '-days', '30', '-out', join(dir, 'same-key-same-subject.pem')]);
  for (const name of ['same-subject', 'same-key', 'same-key-same-subject']) {
    certificates.set(name, ClientCertificate.fromDer(pemToDer(readFileSync(join(dir, `${name}.pem`), 'utf8'))));
  }
  certificates.set('registered', ClientCertificate.fromDer(pemToDer(readPki('client-self-signed.pem'))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The authorization server behind a stand-in for the proxy middleware (`x-test-certificate: <name>`). */
async function app(clock?: () => Date): Promise<{ app: Express; logger: ReturnType<typeof memoryLogger> }> {
  const logger = memoryLogger();
  const server = express();
  server.use((req, _res, next) => {
    const name = req.headers['x-test-certificate'];
    if (typeof name === 'string') req.clientCertificate = certificates.get(name);
    next();
  });
  server.use(authorizationServer({ issuer: ISSUER, keys: await KeyStore.generate(), clients: sampleClients, trustAnchors: readPki('root-ca.pem'), logger, ...(clock ? { clock } : {}) }));
  return { app: server, logger };
}

const token = (target: Express, certificate: string) => request(target).post('/token').type('form').set('x-test-certificate', certificate)
  .send(`grant_type=client_credentials&client_id=client-self-signed&resource=${encodeURIComponent(RESOURCE)}`);

describe('self_signed_tls_client_auth (RFC 8705 section 2.2)', () => {
  it('the look-alikes really look alike: same subject or same public key, another thumbprint (openssl)', () => {
    const registered = pkiPath('client-self-signed.pem');
    expect(opensslSubject(join(dir, 'same-subject.pem'))).toBe(opensslSubject(registered));
    expect(opensslSubject(join(dir, 'same-key-same-subject.pem'))).toBe(opensslSubject(registered));
    const spki = (file: string) => execFileSync('openssl', ['x509', '-in', file, '-noout', '-pubkey'], { encoding: 'utf8' });
    expect(spki(join(dir, 'same-key.pem'))).toBe(spki(registered));
    expect(spki(join(dir, 'same-subject.pem'))).not.toBe(spki(registered));
    for (const name of ['same-subject', 'same-key', 'same-key-same-subject']) expect(opensslThumbprint(join(dir, `${name}.pem`))).not.toBe(opensslThumbprint(registered));
  });

  it('accepts the registered certificate', async () => {
    const { app: target } = await app();
    expect((await token(target, 'registered')).status).toBe(200);
  });

  it.each([
    ['another certificate with the registered subject name', 'same-subject'],
    ['another certificate with the registered public key', 'same-key'],
    ['a re-issue with the registered key and subject', 'same-key-same-subject'],
  ])('refuses %s: 401 invalid_client, the reason logged', async (_name, certificate) => {
    const { app: target, logger } = await app();
    const response = await token(target, certificate);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.object.reason).toMatch(/not one registered for this client/);
  });

  it.each([
    ['after notAfter', '2046-11-20T18:33:45Z'],
    ['before notBefore', '2026-11-24T18:33:43Z'],
  ])('refuses the registered certificate %s (its validity period, not the registration, decides)', async (_name, at) => {
    const { app: target, logger } = await app(() => new Date(at));
    const response = await token(target, 'registered');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(logger.lines[0]!.object.reason).toMatch(/outside its validity period/);
  });

  it('accepts it on the last second of its validity period', async () => {
    const { app: target } = await app(() => new Date('2046-11-20T18:33:44Z'));
    expect((await token(target, 'registered')).status).toBe(200);
  });
});
