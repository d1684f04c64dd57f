/**
 * The HAProxy template with `crl` (`crl-file`) against the real HAProxy: a revoked client
 * certificate fails the handshake, a good one is forwarded, a client without a certificate still
 * reaches the app. CRLs made by `openssl ca -gencrl` from the fixture CAs. Measured on HAProxy 2.6.12.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startServer, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { makeCrls } from '../helpers/crl.js';
import { MTLS_SERVER_NAME, echo, headerValues, reference, request, serverFiles, startApp, templateValues, type ClientResult } from './harness.js';

(serverAvailable('haproxy') ? describe : describe.skip)('haproxy: the authorization-server template with a CRL (crl-file)', () => {
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let server: RunningServer | undefined;
  let files: ReturnType<typeof serverFiles> | undefined;
  let dir = '';
  let mtlsPort = 0;

  beforeAll(async () => {
    app = await startApp({ preset: 'haproxy' });
    dir = mkdtempSync(join(tmpdir(), 'mtls-pop-crl-'));
    const crl = join(dir, 'clients.crl');
    // One CRL for every CA of the chain: the intermediate revokes client-rsa, the root nothing.
    writeFileSync(crl, makeCrls([
      { cert: 'intermediate-ca.pem', key: 'intermediate-ca.key', revoke: ['client-rsa.pem'] },
      { cert: 'root-ca.pem', key: 'root-ca.key' },
    ]));
    const port = await freePort();
    mtlsPort = await freePort();
    files = serverFiles('haproxy');
    const config = renderTemplate('haproxy', { ...templateValues(port, app.port), ...files.values, mtlsListen: `127.0.0.1:${mtlsPort}`, crl }, { standalone: true });
    server = await startServer('haproxy', { config, port });
  });

  afterAll(async () => {
    await server?.stop();
    await app?.close();
    files?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const send = (cert?: string, key?: string): Promise<ClientResult> =>
    request({ port: mtlsPort, servername: MTLS_SERVER_NAME, host: MTLS_SERVER_NAME, ...(cert ? { cert, key: key! } : {}) });

  it('forwards a certificate the CRL does not list, verify 0', async () => {
    const result = await send('client-ec-chain.pem', 'client-ec.key');
    await withServerLogs([server], () => {
      const seen = echo(result);
      expect(seen.thumbprint).toBe(reference('client-ec.pem').thumbprint);
      expect(headerValues(seen.rawHeaders, 'X-SSL-Client-Verify')).toEqual(['0']);
    });
  });

  it('fails the handshake of a revoked certificate (OpenSSL error 23 is not ignored): the app never sees it', async () => {
    const result = await send('client-rsa.pem', 'client-rsa.key');
    await withServerLogs([server], () => {
      expect(result).toMatchObject({ kind: 'tls-error', message: expect.stringMatching(/certificate revoked/) });
    });
  });

  it('lets a client without a certificate through, with no certificate header', async () => {
    const result = await send();
    await withServerLogs([server], () => {
      const seen = echo(result);
      expect(seen.thumbprint).toBeUndefined();
      expect(headerValues(seen.rawHeaders, 'X-SSL-Client-Verify')).toEqual([]);
    });
  });

  // Fail closed: without a CRL for the issuer OpenSSL cannot finish the check (alert unknown_ca), and
  // the template ignores no CRL error. So with a CRL, self-signed clients (RFC 8705 section 2.2) and
  // unknown CAs no longer get through.
  it.each([['a self-signed certificate', 'client-self-signed'], ['a certificate from an unrelated CA', 'client-unrelated']])('%s, whose issuer has no CRL loaded: the handshake fails', async (_label, name) => {
    const result = await send(`${name}.pem`, `${name}.key`);
    await withServerLogs([server], () => {
      expect(result).toMatchObject({ kind: 'tls-error', message: expect.stringMatching(/alert unknown ca/) });
    });
  });
});
