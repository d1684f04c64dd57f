import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { clientCertificateProbe, PROBE_HEADER, PROBE_MARKER_HEADER, type ProbeReport } from '../../src/proxy/probe.js';
import { readPki } from '../helpers/fixtures.js';

const SECRET = 'probe-secret-for-tests-0123';
const noop = (): void => undefined;
const logger = { warn: noop, error: noop, info: noop } as never;

function app(options: { maxRequestsPerMinute?: number; trusted?: string } = {}) {
  const server = express();
  server.use(clientCertificate({ trustedProxies: options.trusted ?? 'loopback', verifyHeader: 'x-ssl-client-verify', logger }));
  server.use(clientCertificateProbe({ secret: SECRET, ...(options.maxRequestsPerMinute ? { maxRequestsPerMinute: options.maxRequestsPerMinute } : {}) }));
  server.use((_req, res) => { res.json({ app: true }); });
  return server;
}

const pem = readPki('client-ec.pem');

describe('clientCertificateProbe(options)', () => {
  it('answers a request carrying the secret with what the certificate middleware saw, never a value', async () => {
    const marker = pem.replace(/-----[A-Z ]+-----|\s/g, '').slice(66, 90);
    const response = await request(app()).get('/anything')
      .set(PROBE_HEADER, SECRET).set(PROBE_MARKER_HEADER, marker)
      .set('X-SSL-Client-Cert', encodeURIComponent(pem)).set('X-SSL-Client-Verify', 'SUCCESS')
      .set('X_Forwarded_Client_Cert', 'Hash=1;Cert="x"');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const report = response.body as ProbeReport;
    expect(report.middleware).toMatchObject({ ran: true, source: 'header', trusted: true, header: 'x-ssl-client-cert', format: 'nginx', verifyHeader: 'x-ssl-client-verify' });
    expect(report.certificate?.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(report.verification).toEqual({ status: 'SUCCESS' });
    const byName = Object.fromEntries(report.headers.map((entry) => [entry.name.toLowerCase(), entry.copies]));
    expect(byName['x-ssl-client-cert']).toEqual([{ length: encodeURIComponent(pem).length, decoded: 'certificate', thumbprint: report.certificate!.thumbprint, marker: true }]);
    expect(byName['x-ssl-client-verify']).toEqual([{ length: 7, decoded: 'verification', marker: false, verify: 'SUCCESS' }]);
    expect(byName['x_forwarded_client_cert']).toHaveLength(1);
    // No value of any header is echoed.
    expect(response.text).not.toContain('BEGIN');
    expect(response.text).not.toContain(SECRET);
    expect(response.text).not.toContain(marker);
  });

  it('passes a request with a wrong secret, or none, on to the app untouched', async () => {
    const server = app();
    expect((await request(server).get('/').set(PROBE_HEADER, 'probe-secret-for-tests-0124')).body).toEqual({ app: true });
    expect((await request(server).get('/').set(PROBE_HEADER, SECRET.slice(0, 10))).body).toEqual({ app: true });
    expect((await request(server).get('/')).body).toEqual({ app: true });
  });

  it('reports an untrusted peer as untrusted (the middleware ignored the headers)', async () => {
    const server = express();
    server.use(clientCertificate({ trustedProxies: '10.9.9.9', untrusted: 'ignore', logger }));
    server.use(clientCertificateProbe({ secret: SECRET }));
    const report = (await request(server).get('/').set(PROBE_HEADER, SECRET).set('X-SSL-Client-Cert', encodeURIComponent(pem))).body as ProbeReport;
    expect(report.middleware.trusted).toBe(false);
    expect(report.certificate).toBeNull();
    expect(report.headers).toEqual([]);
  });

  it('says when the certificate middleware did not run before it', async () => {
    const server = express();
    server.use(clientCertificateProbe({ secret: SECRET }));
    expect(((await request(server).get('/').set(PROBE_HEADER, SECRET)).body as ProbeReport).middleware).toEqual({ ran: false });
  });

  it('limits probe requests, right or wrong secret, to maxRequestsPerMinute (429 beyond)', async () => {
    const server = app({ maxRequestsPerMinute: 3 });
    const statuses: number[] = [];
    for (const secret of [SECRET, 'wrong-secret-but-long-enough', SECRET, SECRET]) statuses.push((await request(server).get('/').set(PROBE_HEADER, secret)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await request(server).get('/')).body).toEqual({ app: true });
  });

  it.each([
    [{}, /secret must be a string of at least 16/],
    [{ secret: 'short' }, /at least 16/],
    [{ secret: SECRET, maxRequestPerMinute: 5 }, /Did you mean "maxRequestsPerMinute"/],
    [{ secret: SECRET, maxRequestsPerMinute: 0 }, /integer from 1/],
  ])('refuses misuse at construction: %j', (options, message) => {
    expect(() => clientCertificateProbe(options as never)).toThrow(message);
  });
});
