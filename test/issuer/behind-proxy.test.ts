import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { authorizationServer, KeyStore } from '../../src/issuer/index.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { memoryLogger, RESOURCE, sampleClients } from './helpers.js';

async function appBehind(trustedProxies: string) {
  const app = express();
  app.use(clientCertificate({ trustedProxies, logger: memoryLogger() }));
  app.use(authorizationServer({ issuer: 'https://as.localhost', keys: await KeyStore.generate(), clients: sampleClients,
    trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem'), logger: memoryLogger() }));
  return app;
}
// nginx's $ssl_client_escaped_cert: URL-encoded PEM with upper-case escapes, leaf only.
const nginxHeader = (file: string) => encodeURIComponent(readPki(file));
const form = `grant_type=client_credentials&client_id=client-ec-dns&resource=${encodeURIComponent(RESOURCE)}`;

describe('authorizationServer behind clientCertificate() in header mode', () => {
  it('issues a token bound to the certificate a trusted proxy forwards (nginx format, leaf only + configured intermediate)', async () => {
    const response = await request(await appBehind('loopback')).post('/token').type('form').set('x-ssl-client-cert', nginxHeader('client-ec.pem')).send(form);
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.access_token).cnf).toEqual({ 'x5t#S256': opensslThumbprint(pkiPath('client-ec.pem')) });
  });

  it('never sees a certificate header sent by an untrusted peer', async () => {
    const response = await request(await appBehind('10.0.0.1')).post('/token').type('form').set('x-ssl-client-cert', nginxHeader('client-ec.pem')).send(form);
    expect(response.status).toBe(400);
    expect(response.body.access_token).toBeUndefined();
  });
});
