import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslThumbprint } from '../helpers/fixtures.js';
import { runCli, startServe, type ServeProcess } from './serve-process.js';

const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-serve-'));
const pki = (name: string): string => join(cwd, '.mtls-pop', 'pki', name);
let serve: ServeProcess;

function get(url: string, tls: { cert?: string; key?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca: readFileSync(pki('ca.pem')), ...tls }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

/** The copy-paste commands of the banner, exactly as printed. */
function printedCommands(banner: string): { token: string; api: string } {
  const lines = banner.split('\n').map((line) => line.trim());
  return { token: lines.find((line) => line.startsWith('curl '))!, api: lines.find((line) => line.startsWith('TOKEN=$('))! };
}

beforeAll(async () => {
  serve = await startServe(['--port', '0'], { cwd, env: { MTLS_POP_LOG_LEVEL: 'info' } });
}, 30_000);
afterAll(() => serve?.kill());

describe('mtls-pop serve (embedded mTLS default)', () => {
  it('listens on the free port it was given (port 0) and prints its real URL', () => {
    expect(serve.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(serve.url).not.toMatch(/:0$/);
    expect(serve.banner).toContain(`${serve.url}/.well-known/oauth-authorization-server`);
  });

  it('answers /healthz without a client certificate', async () => {
    const response = await get(`${serve.url}/healthz`);
    expect(response).toEqual({ status: 200, body: JSON.stringify({ status: 'ok', mode: 'tls' }) });
  });

  it('created the development PKI in the state folder, with private keys readable by the owner only', () => {
    for (const name of ['ca', 'server', 'demo-client']) {
      expect(readFileSync(pki(`${name}.pem`), 'utf8')).toContain('BEGIN CERTIFICATE');
      expect(execFileSync('stat', ['-c', '%a', pki(`${name}.key`)], { encoding: 'utf8' }).trim()).toBe('600');
    }
    expect(execFileSync('openssl', ['verify', '-CAfile', pki('ca.pem'), pki('demo-client.pem')], { encoding: 'utf8' })).toContain(': OK');
  });

  it('prints a curl command that gets a token bound to the demo certificate', () => {
    const { token } = printedCommands(serve.banner);
    const answer = JSON.parse(execFileSync('bash', ['-c', token], { cwd, encoding: 'utf8' })) as { access_token: string; token_type: string };
    expect(answer.token_type).toBe('Bearer');
    const claims = JSON.parse(Buffer.from(answer.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ client_id: 'demo-client', iss: serve.url, cnf: { 'x5t#S256': opensslThumbprint(pki('demo-client.pem')) } });
  });

  it('prints a one-liner that calls the API with the token and the same certificate', () => {
    const { api } = printedCommands(serve.banner);
    const answer = JSON.parse(execFileSync('bash', ['-c', api], { cwd, encoding: 'utf8' })) as Record<string, unknown>;
    expect(answer).toMatchObject({ client_id: 'demo-client', 'x5t#S256': opensslThumbprint(pki('demo-client.pem')) });
  });

  it('refuses the API without a token (401) and logs JSON lines that each carry a request id', async () => {
    const response = await get(`${serve.url}/api/hello`, { cert: readFileSync(pki('demo-client.pem'), 'utf8'), key: readFileSync(pki('demo-client.key'), 'utf8') });
    expect(response.status).toBe(401);
    await serve.logged(/"msg":"protected resource request refused"/);
    const lines = serve.logs().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = lines.filter((line) => line.msg === 'request' || line.msg === 'protected resource request refused');
    expect(requestLines.length).toBeGreaterThan(2);
    expect(requestLines.every((line) => typeof line.reqId === 'string')).toBe(true);
    expect(serve.logs()).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(serve.logs()).not.toContain('PRIVATE KEY');
  });
});

describe('mtls-pop serve restarted on the same state folder', () => {
  it('reuses the development PKI instead of creating a new one', async () => {
    const before = readFileSync(pki('ca.pem'), 'utf8');
    const second = await startServe(['--port', '0'], { cwd });
    try {
      expect(second.logs()).not.toContain('created development file');
      expect(readFileSync(pki('ca.pem'), 'utf8')).toBe(before);
      const { api } = printedCommands(second.banner);
      expect(JSON.parse(execFileSync('bash', ['-c', api], { cwd, encoding: 'utf8' }))).toMatchObject({ client_id: 'demo-client' });
    } finally {
      second.kill();
    }
  }, 30_000);
});

describe('graceful shutdown on SIGTERM', () => {
  it('stops accepting, finishes the in-flight request, and exits 0', async () => {
    const stopping = await startServe(['--port', '0'], { cwd });
    try {
      const { port } = new URL(stopping.url);
      const body = 'grant_type=client_credentials&client_id=demo-client&scope=api%3Aread';
      // An in-flight request: headers and half the body sent before the signal.
      const socket = connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: readFileSync(pki('ca.pem')), cert: readFileSync(pki('demo-client.pem')), key: readFileSync(pki('demo-client.key')) });
      await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const ended = new Promise((resolve) => socket.on('close', resolve));
      // Expect: 100-continue makes the server say when it has the request (Node answers 100 itself).
      const received = new Promise<void>((resolve) => socket.on('data', () => { if (/^HTTP\/1\.1 100 /.test(answer)) resolve(); }));
      socket.write(`POST /token HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, 20)}`);
      await received;
      stopping.child.kill('SIGTERM');
      await stopping.logged(/"msg":"shutting down: finishing in-flight requests"/);
      // New connections are refused while the in-flight request is still open.
      await expect(get(`${stopping.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
      socket.write(body.slice(20));
      await ended;
      expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      expect(answer).toContain('"access_token"');
      expect(await stopping.exited).toEqual({ code: 0, signal: null });
    } finally {
      stopping.kill();
    }
  }, 30_000);
});

describe('serve refuses a bad configuration before listening', () => {
  it.each([
    ['a port that is not one', { MTLS_POP_PORT: 'eighty' }, [], /^mtls-pop serve: config: listen\.port \(MTLS_POP_PORT\): /],
    ['behind-proxy without a trusted proxy', { MTLS_POP_ISSUER: 'https://as.example.com' }, ['--behind-proxy'], /^mtls-pop serve: config: proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): /],
    ['a revocation store that cannot be reached', { MTLS_POP_REVOCATION_STORE: 'redis://:pw@127.0.0.1:1' }, ['--port', '0'], /^mtls-pop serve: revocation\.store: cannot reach redis:\/\/:\*\*\*@127\.0\.0\.1:1/],
    ['a revocation store with ?password= that cannot be reached', { MTLS_POP_REVOCATION_STORE: 'redis://127.0.0.1:1/0?username=ops&password=pw' }, ['--port', '0'], /^mtls-pop serve: revocation\.store: cannot reach redis:\/\/127\.0\.0\.1:1\/0\?username=\*\*\*&password=\*\*\*:/],
  ])('%s: exit 1, one line per problem, no stack trace', async (_name, env, args, expected) => {
    const result = await runCli(['serve', ...args], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain(':pw@');
    expect(result.stderr).not.toMatch(/=pw\b|=ops\b/);
  }, 30_000);
});

describe('serve on a port that is taken', () => {
  it('says which port and how to choose another, in one line, exit 1', async () => {
    const { port } = new URL(serve.url);
    const result = await runCli(['serve', '--port', port], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`mtls-pop serve: listen.port: cannot listen on 127.0.0.1:${port}: the port is taken; choose another with --port or MTLS_POP_PORT (0 picks a free one)`);
  }, 30_000);
});

describe('mtls-pop serve --behind-proxy', () => {
  it('serves plain HTTP and refuses a certificate header from a peer that is not the trusted proxy', async () => {
    const proxied = await startServe(['--behind-proxy', '--port', '0'], { cwd, env: { MTLS_POP_TRUSTED_PROXIES: '192.0.2.1', MTLS_POP_ISSUER: 'https://as.example.com' } });
    try {
      expect(proxied.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(proxied.banner).toContain('token:       https://mtls.as.example.com/token');
      expect(proxied.banner).not.toContain('TOKEN=$(');
      const health = await fetch(`${proxied.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', mode: 'behind-proxy' });
      const pem = readFileSync(pki('demo-client.pem'), 'utf8');
      const forged = await fetch(`${proxied.url}/token`, {
        method: 'POST',
        headers: { 'x-ssl-client-cert': encodeURIComponent(pem), 'x-ssl-client-verify': 'SUCCESS', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=demo-client',
      });
      expect(forged.status).toBe(400);
      expect(((await forged.json()) as { error: string }).error).toBe('invalid_request');
    } finally {
      proxied.kill();
    }
  }, 30_000);
});
