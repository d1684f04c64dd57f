/**
 * `mtls-pop render nginx|apache --crl FILE` in front of the app, through the real servers: CRLs
 * made by `openssl ca -gencrl` for a root and two intermediates, one of them revoked by the root.
 * A revoked client (leaf or intermediate) is refused by the server itself; the app never sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startApache, startNginx, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { createRootCa, type OpensslCa } from '../revocation/openssl-ca.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { MTLS_SERVER_NAME, startApp, templateValues } from './harness.js';

type Result = { kind: 'response'; status: number; body: string } | { kind: 'tls-error'; message: string };

/** One GET over a real TLS connection with a client certificate from files. */
function send(port: number, certificateFile: string, keyFile: string): Promise<Result> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: MTLS_SERVER_NAME, ca: readPki('ca-bundle.pem'), cert: readFileSync(certificateFile), key: readFileSync(keyFile) });
    let data = '';
    let settled = false;
    const finish = (result: Result) => { if (!settled) { settled = true; socket.destroy(); resolve(result); } };
    socket.setTimeout(10_000, () => finish({ kind: 'tls-error', message: 'timeout' }));
    socket.on('secureConnect', () => socket.write(`GET /echo HTTP/1.1\r\nHost: ${MTLS_SERVER_NAME}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => { data += chunk.toString('utf8'); });
    const parsed = (): Result => ({ kind: 'response', status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    socket.on('error', (error) => finish(data ? parsed() : { kind: 'tls-error', message: error.message }));
    socket.on('end', () => finish(data ? parsed() : { kind: 'tls-error', message: 'closed without a response' }));
  });
}

let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let doomed: OpensslCa;
const files: Record<string, { certificateFile: string; keyFile: string }> = {};
let clientCa: string;
let crl: string;
let staleCrl: string;

beforeAll(() => {
  root = createRootCa('Proxy CRL Root');
  const issued = root.issue('Proxy Inter CA', { ca: true });
  inter = issued.ca!;
  const revokedCa = root.issue('Doomed Inter CA', { ca: true });
  doomed = revokedCa.ca!;
  files.good = inter.issue('good-client');
  files.revoked = inter.issue('revoked-client');
  files.underRevoked = doomed.issue('client-of-revoked-ca');
  inter.revoke(files.revoked.certificateFile);
  root.revoke(revokedCa.certificateFile);
  clientCa = join(root.dir, 'client-ca-bundle.pem');
  writeFileSync(clientCa, root.pem() + issued.pem + revokedCa.pem);
  crl = join(root.dir, 'client-ca.crl');
  // One CRL for every CA of each chain: nginx and Apache (`SSLCARevocationCheck chain`) need them all.
  writeFileSync(crl, root.crl() + inter.crl() + doomed.crl());
  staleCrl = join(root.dir, 'stale.crl');
  writeFileSync(staleCrl, root.crl() + inter.staleCrl() + doomed.crl());
});

afterAll(() => root?.cleanup());

const SERVERS: readonly { kind: 'nginx' | 'apache' }[] = [{ kind: 'nginx' }, { kind: 'apache' }];

describe.each(SERVERS)('$kind with --crl, in front of the app', ({ kind }) => {
  const available = serverAvailable(kind);
  const describeIf = available ? describe : describe.skip;

  describeIf('the shipped authorization-server template', () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    let withCrl: RunningServer | undefined;
    let withoutCrl: RunningServer | undefined;
    let withStaleCrl: RunningServer | undefined;

    beforeAll(async () => {
      app = await startApp(kind === 'nginx' ? 'nginx' : 'apache');
      const start = kind === 'nginx' ? startNginx : startApache;
      const render = async (extra: object) => {
        const port = await freePort();
        const config = renderTemplate(kind, { ...templateValues(port, app.port), clientCa, ...extra }, { standalone: true });
        return start({ config, port });
      };
      withCrl = await render({ crl });
      withoutCrl = await render({});
      withStaleCrl = await render({ crl: staleCrl });
    });

    afterAll(async () => {
      await withCrl?.stop();
      await withoutCrl?.stop();
      await withStaleCrl?.stop();
      await app?.close();
    });

    const refused = (result: Result) => {
      // nginx answers 400 ("The SSL certificate error") itself; Apache fails the handshake. Either way the app is not reached.
      if (kind === 'nginx') {
        expect(result).toMatchObject({ kind: 'response', status: 400 });
        if (result.kind === 'response') expect(result.body).toMatch(/SSL certificate error/);
      } else {
        expect(result.kind).toBe('tls-error');
        expect(withCrl!.logs()).toMatch(/certificate revoked/i);
      }
    };

    it('passes a good client to the app', async () => {
      const result = await send(withCrl!.port, files.good!.certificateFile, files.good!.keyFile);
      await withServerLogs([withCrl], () => {
        expect(result).toMatchObject({ kind: 'response', status: 200 });
        if (result.kind === 'response') expect(JSON.parse(result.body).thumbprint).toBe(opensslThumbprint(files.good!.certificateFile));
      });
    });

    it.each([['a revoked leaf', 'revoked'], ['a leaf under a revoked intermediate', 'underRevoked']])('refuses %s at the proxy', async (_case, name) => {
      const result = await send(withCrl!.port, files[name]!.certificateFile, files[name]!.keyFile);
      await withServerLogs([withCrl], () => refused(result));
    });

    it('also refuses a self-signed client: no CRL covers its issuer (--crl and self_signed_tls_client_auth do not mix on one host)', async () => {
      const result = await send(withCrl!.port, pkiPath('client-self-signed.pem'), pkiPath('client-self-signed.key'));
      if (kind === 'nginx') expect(result).toMatchObject({ kind: 'response', status: 400 });
      else {
        expect(result.kind).toBe('tls-error');
        expect(withCrl!.logs()).toMatch(/unable to get certificate CRL/);
      }
    });

    it('refuses even a good client while its CA\'s CRL is past nextUpdate', async () => {
      const result = await send(withStaleCrl!.port, files.good!.certificateFile, files.good!.keyFile);
      if (kind === 'nginx') expect(result).toMatchObject({ kind: 'response', status: 400 });
      else {
        expect(result.kind).toBe('tls-error');
        expect(withStaleCrl!.logs()).toMatch(/CRL has expired/);
      }
    });

    it('without --crl, the same revoked leaf reaches the app (the CRL is what refuses it)', async () => {
      const result = await send(withoutCrl!.port, files.revoked!.certificateFile, files.revoked!.keyFile);
      expect(result).toMatchObject({ kind: 'response', status: 200 });
    });
  });
});
