import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { recordingLogger } from './helpers.js';
import { certificateFromTlsSocket } from '../../src/proxy/tls.js';

interface Answer { status: number; body: { thumbprint: string | null; chain: string[]; verification: { status: string; reason?: string } | null; source: string | null } }

/** A real https server with requestCert, clientCertificate({ source: 'tls', ...options }) in front of a route. */
async function startTlsApp(options: Omit<ClientCertificateOptions, 'source'> = {}): Promise<{ server: Server; port: number }> {
  const app = express();
  app.use(clientCertificate({ source: 'tls', logger: recordingLogger(), ...options }));
  app.get('/', (req, res) => {
    const certificate = req.clientCertificate;
    res.json({ thumbprint: certificate?.thumbprint ?? null, chain: certificate?.chain.map((link) => link.thumbprint) ?? [], verification: req.clientCertificateVerification ?? null, source: certificate?.source ?? null });
  });
  const server = createServer({ key: readPki('server.key'), cert: readPki('server.pem') + readPki('intermediate-ca.pem'), ca: readPki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, client?: string, certFile = client && `${client}.pem`): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, path: '/', servername: 'localhost', ca: readPki('ca-bundle.pem'), agent: false,
      ...(client ? { key: readPki(`${client}.key`), cert: readPki(certFile!) } : {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })));
});
async function start(options: Omit<ClientCertificateOptions, 'source'> = {}): Promise<number> {
  const { server, port } = await startTlsApp(options);
  servers.push(server);
  return port;
}

describe("clientCertificate({ source: 'tls' }) over a real https server", () => {
  it('takes the certificate of the handshake: SUCCESS, thumbprint equals openssl\'s, chain without leaf and root', async () => {
    const port = await start();
    const answer = await get(port, 'client-ec', 'client-ec-chain.pem');
    expect(answer.status).toBe(200);
    expect(answer.body.thumbprint).toBe(opensslThumbprint(pkiPath('client-ec.pem')));
    expect(answer.body.chain).toEqual([opensslThumbprint(pkiPath('intermediate-ca.pem'))]);
    expect(answer.body.verification).toEqual({ status: 'SUCCESS' });
    expect(answer.body.source).toBe('tls');
  });

  it('a client without a certificate: NONE, and 401 invalid_client when required', async () => {
    const open = await start();
    expect((await get(open)).body).toMatchObject({ thumbprint: null, verification: { status: 'NONE' } });
    const required = await start({ required: true });
    const answer = await get(required);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'invalid_client', error_description: 'a client certificate is required' });
  });

  it('a certificate from an unknown CA: FAILED with OpenSSL\'s reason; not accepted with requireVerified', async () => {
    const open = await start();
    const answer = await get(open, 'client-unrelated');
    expect(answer.body.thumbprint).toBe(opensslThumbprint(pkiPath('client-unrelated.pem')));
    expect(answer.body.verification).toEqual({ status: 'FAILED', reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const strict = await start({ requireVerified: true });
    expect((await get(strict, 'client-unrelated')).body).toMatchObject({ thumbprint: null, verification: { status: 'FAILED' } });
    expect((await get(strict, 'client-ec')).body.verification).toEqual({ status: 'SUCCESS' });
  });

  it('a self-signed certificate: FAILED, the chain is empty (the leaf is its own issuer)', async () => {
    const port = await start();
    const answer = await get(port, 'client-self-signed');
    expect(answer.body.thumbprint).toBe(opensslThumbprint(pkiPath('client-self-signed.pem')));
    expect(answer.body.chain).toEqual([]);
    expect(answer.body.verification!.status).toBe('FAILED');
  });

  it('ignores certificate headers entirely', async () => {
    const port = await start();
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/', servername: 'localhost', ca: readPki('ca-bundle.pem'), agent: false, headers: { 'x-ssl-client-cert': encodeURIComponent(readPki('client-ec.pem')) } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.body.thumbprint).toBeNull();
  });
});

describe('certificateFromTlsSocket(socket)', () => {
  const peer = { raw: Buffer.from(readPki('client-self-signed.pem').split('\n').filter((line) => line && !line.startsWith('-----')).join(''), 'base64') };
  const socket = (authorized: boolean, authorizationError: string | null) =>
    ({ encrypted: true, authorized, authorizationError, getPeerCertificate: () => peer }) as unknown as Parameters<typeof certificateFromTlsSocket>[0];

  it('reports SUCCESS only when the socket is authorized and has no authorization error', () => {
    expect(certificateFromTlsSocket(socket(true, null)).verification).toEqual({ status: 'SUCCESS' });
  });

  it('reports FAILED after a renegotiation that brought an unverified certificate (authorized stays true in Node)', () => {
    expect(certificateFromTlsSocket(socket(true, 'DEPTH_ZERO_SELF_SIGNED_CERT')).verification).toEqual({ status: 'FAILED', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});

describe("source: 'tls' reads the peer certificate once per connection", () => {
  // A client that sends its leaf and a 200-certificate "chain" (the intermediate, repeated).
  const longChain = readPki('client-ec.pem') + readPki('intermediate-ca.pem').repeat(199);

  /** `count` requests over ONE TLS connection; what each answered, and the socket's own TLS object. */
  async function overOneConnection(port: number, count: number, tlsOptions: Record<string, unknown> = {}): Promise<Answer[]> {
    const { Agent } = await import('node:https');
    const agent = new Agent({ keepAlive: true, maxSockets: 1, key: readPki('client-ec.key'), cert: longChain, ca: readPki('ca-bundle.pem'), servername: 'localhost', ...tlsOptions });
    const answers: Answer[] = [];
    try {
      for (let i = 0; i < count; i += 1) {
        answers.push(await new Promise<Answer>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          });
          req.on('error', reject);
          req.end();
        }));
      }
    } finally {
      agent.destroy();
    }
    return answers;
  }

  it('a 200-certificate chain: every request on the keep-alive connection gets the same certificate, the chain is capped, the peer chain is converted once', async () => {
    const { TLSSocket } = await import('node:tls');
    const { jest } = await import('@jest/globals');
    const port = await start();
    const leafSpy = jest.spyOn(TLSSocket.prototype, 'getPeerX509Certificate');
    const objectSpy = jest.spyOn(TLSSocket.prototype, 'getPeerCertificate');
    // Server side only (the client's own https checks call these on its socket too).
    const onServer = (spy: typeof leafSpy | typeof objectSpy) => spy.mock.contexts.filter((socket) => (socket as { localPort?: number }).localPort === port).length;
    try {
      const answers = await overOneConnection(port, 5);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((answer) => answer.body.thumbprint))).toEqual(new Set([opensslThumbprint(pkiPath('client-ec.pem'))]));
      expect(answers[0]!.body.chain.length).toBeLessThanOrEqual(10);
      expect(answers[0]!.body.chain[0]).toBe(opensslThumbprint(pkiPath('intermediate-ca.pem')));
      // Read once for the connection, and never through the call that converts all 200 certificates.
      expect([onServer(leafSpy), onServer(objectSpy)]).toEqual([1, 0]);
    } finally {
      leafSpy.mockRestore();
      objectSpy.mockRestore();
    }
  });

  it('refuses a TLS 1.2 renegotiation on a connection whose certificate it has read (it could bring another certificate)', async () => {
    const port = await start();
    const { connect } = await import('node:tls');
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', key: readPki('client-ec.key'), cert: readPki('client-ec-chain.pem'), ca: readPki('ca-bundle.pem'), maxVersion: 'TLSv1.2' });
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
    const first = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n') && text.endsWith('}')) resolve(text);
      });
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.renegotiate({ rejectUnauthorized: false }, () => {});
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
