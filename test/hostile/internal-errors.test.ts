/**
 * An internal failure (a bug, a broken dependency) answers a bare `server_error`: the fixed public
 * description, never the exception's message or stack trace, which name our files, lines and
 * sometimes data. The reason goes to one log line. One case per part that answers server_error.
 */
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import request from 'supertest';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { requireCertificateBoundToken } from '../../src/resource/index.js';
import { buildApp, RESOURCE } from '../issuer/helpers.js';
import { recordingLogger } from '../proxy/helpers.js';
import { AUDIENCE, ISSUER, bearer, certificate, issueToken, listen, protectedApp, recordingLogger as resourceLogger, send, signingKey, withCertificate, close } from '../resource/helpers.js';

const SECRET_MESSAGE = 'internal detail 7f3a: /etc/mtls-pop/secret';
const failure = (): Error => new Error(SECRET_MESSAGE);

/** Nothing of the exception in what the client gets. */
function expectNoInternals(text: string): void {
  expect(text).not.toContain(SECRET_MESSAGE);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(text).not.toMatch(/\.(ts|js):\d+:\d+/);
  expect(text).not.toMatch(/Error:/);
}

describe('internal failures answer server_error without the exception', () => {
  it('the authorization server (a throwing clock): 500 with the fixed description, the reason logged once', async () => {
    const { app, logger } = await buildApp({ clock: () => { throw failure(); } });
    const response = await request(app).post('/token').type('form').set('x-test-certificate', 'client-ec-chain')
      .send(`grant_type=client_credentials&client_id=client-ec-dns&resource=${encodeURIComponent(RESOURCE)}`);
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: 'server_error', error_description: 'the request could not be processed' });
    expectNoInternals(response.text);
    expectNoInternals(JSON.stringify(response.headers));
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'error', object: { event: 'issuer_refused', error: 'server_error', reason: SECRET_MESSAGE } });
  });

  it('the proxy middleware (a request it cannot read): 500 with the fixed description, the stack logged once', () => {
    const logger = recordingLogger();
    const handler = clientCertificate({ trustedProxies: 'loopback', logger }) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
    const req = { socket: { remoteAddress: '127.0.0.1' }, headers: {}, get rawHeaders(): string[] { throw failure(); } } as unknown as IncomingMessage;
    const written: { status?: number; headers: Record<string, unknown>; body?: string } = { headers: {} };
    const res = {
      set statusCode(value: number) { written.status = value; },
      setHeader(name: string, value: unknown) { written.headers[name.toLowerCase()] = value; },
      end(body: string) { written.body = body; },
    } as unknown as ServerResponse;
    let nextCalled = false;
    handler(req, res, () => { nextCalled = true; });
    expect(nextCalled).toBe(false);
    expect(written.status).toBe(500);
    expect(JSON.parse(written.body!)).toEqual({ error: 'server_error', error_description: 'the client certificate could not be processed' });
    expectNoInternals(written.body!);
    expect(written.headers['cache-control']).toBe('no-store');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.level).toBe('error');
  });

  it('the resource middleware (a key source that throws): 503 with the fixed description, no challenge, the reason logged once', async () => {
    const logger = resourceLogger();
    const key = await signingKey('k1');
    // Sound at construction, broken on the first request.
    let broken = false;
    const keySource = { publicJwks: () => { if (broken) throw failure(); return { keys: [key.publicJwk] }; } };
    const guard = requireCertificateBoundToken({ jwks: keySource, issuer: ISSUER, audience: AUDIENCE, logger });
    broken = true;
    const { server, url } = await listen(protectedApp(withCertificate(certificate('client-ec')), guard));
    try {
      const answer = await send(url, { headers: bearer(await issueToken(key)) });
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: 'server_error', error_description: 'token verification is temporarily unavailable' });
      expectNoInternals(JSON.stringify(answer.body));
      expectNoInternals(JSON.stringify(answer.headers));
      expect(answer.headers['www-authenticate']).toBeUndefined();
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]!.object.reason).toBe('ERR_VERIFIER_UNAVAILABLE');
    } finally {
      await close(server);
    }
  });

  it('an Express error handler below our middleware is not reached with our internals (sanity: express itself)', async () => {
    // The control for the cases above: express's own default handler would print the stack in
    // development mode, which is why our middleware answers itself instead of calling next(error).
    const app = express();
    app.set('env', 'development');
    app.get('/', () => { throw failure(); });
    const response = await request(app).get('/');
    expect(response.status).toBe(500);
    expect(response.text).toContain(SECRET_MESSAGE);
  });
});
