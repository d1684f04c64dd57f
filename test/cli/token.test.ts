import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { cli, expectOneLineError } from './io.js';

const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-token-'));
const state = (name: string): string => join(cwd, '.mtls-pop', 'pki', name);
let running: RunningServer;
let silent: Server;

beforeAll(async () => {
  running = await startServer(loadConfig({ env: {}, overrides: { 'listen.port': 0 } }), { cwd, logDestination: { write: () => true } });
}, 30_000);
afterAll(async () => {
  await running?.close();
  silent?.close();
});

const demo = (): string[] => ['--cert', state('demo-client.pem'), '--key', state('demo-client.key'), '--ca', state('ca.pem'), '--url', `${running.url}/token`];

describe('mtls-pop token', () => {
  it('gets a token over mTLS and prints the response with the JWT header and claims decoded', async () => {
    const result = await cli(['token', ...demo(), '--client-id', 'demo-client', '--scope', 'api:read'], { cwd });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { response: { token_type: string; access_token: string }; jwt: { header: Record<string, unknown>; claims: Record<string, unknown> } };
    expect(printed.response.token_type).toBe('Bearer');
    expect(printed.jwt.header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(printed.jwt.claims).toMatchObject({ client_id: 'demo-client', scope: 'api:read', iss: running.issuer, cnf: { 'x5t#S256': opensslThumbprint(state('demo-client.pem')) } });
    expect(result.stdout).not.toContain('PRIVATE KEY');
  });

  it('prints only the access token with --raw', async () => {
    const result = await cli(['token', ...demo(), '--client-id', 'demo-client', '--raw'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
  });

  it('accepts an RFC 8707 resource (the token audience)', async () => {
    const result = await cli(['token', ...demo(), '--client-id', 'demo-client', '--resource', running.audience], { cwd });
    expect((JSON.parse(result.stdout) as { jwt: { claims: { aud: unknown } } }).jwt.claims.aud).toEqual(running.audience);
  });

  describe('refusals and failures: one line on stderr, exit 1', () => {
    it('reports the OAuth error when the certificate belongs to nobody registered', async () => {
      const result = await cli(['token', '--cert', pkiPath('client-unrelated.pem'), '--key', pkiPath('client-unrelated.key'), '--ca', state('ca.pem'), '--url', `${running.url}/token`, '--client-id', 'demo-client'], { cwd });
      expectOneLineError(result, 1, /^mtls-pop token: the token endpoint answered 401: invalid_client: /);
    });
    it('says that --client-id is missing when the server answers 401 to a request without one', async () => {
      const result = await cli(['token', ...demo(), '--scope', 'api:read'], { cwd });
      expectOneLineError(result, 1, /^mtls-pop token: the token endpoint answered 401: invalid_client: client authentication failed; no --client-id was sent: .*client_id/);
    });
    it('gives no --client-id hint when one was sent', async () => {
      const result = await cli(['token', '--cert', pkiPath('client-unrelated.pem'), '--key', pkiPath('client-unrelated.key'), '--ca', state('ca.pem'), '--url', `${running.url}/token`, '--client-id', 'demo-client'], { cwd });
      expect(result.stderr).not.toContain('--client-id');
    });
    it('reports an unreachable server with its code', async () => {
      silent = createServer().listen(0, '127.0.0.1');
      await new Promise((resolve) => silent.once('listening', resolve));
      const { port } = silent.address() as { port: number };
      await new Promise((resolve) => silent.close(resolve));
      const result = await cli(['token', '--cert', state('demo-client.pem'), '--key', state('demo-client.key'), '--url', `https://127.0.0.1:${port}/token`], { cwd });
      expectOneLineError(result, 1, /^mtls-pop token: https:\/\/127\.0\.0\.1:\d+ unreachable: ECONNREFUSED/);
    });
    it('reports a server certificate it cannot verify (no --ca)', async () => {
      const result = await cli(['token', '--cert', state('demo-client.pem'), '--key', state('demo-client.key'), '--url', `${running.url}/token`], { cwd });
      expectOneLineError(result, 1, /^mtls-pop token: .* unreachable: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    });
  });

  describe('wrong arguments: one line, exit 2', () => {
    it.each([
      ['no --url', ['token', '--cert', 'a', '--key', 'b'], /--url is required/],
      ['an http URL', ['token', '--url', 'http://localhost/token', '--cert', 'a', '--key', 'b'], /--url must be https:\/\//],
      ['a URL that is not one', ['token', '--url', 'localhost/token'], /--url 'localhost\/token' is not an absolute URL/],
      ['no --cert', ['token', '--url', 'https://localhost/token', '--key', 'b'], /--cert is required/],
      ['a --key file that does not exist', ['token', '--url', 'https://localhost/token', '--cert', pkiPath('client-ec.pem'), '--key', 'missing.key'], /cannot read --key missing\.key: no such file/],
      ['a positional argument', ['token', 'extra'], /unexpected argument 'extra'/],
    ])('%s', async (_name, argv, expected) => {
      expectOneLineError(await cli(argv, { cwd }), 2, expected);
    });
  });
});
