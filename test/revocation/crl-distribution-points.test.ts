import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/servers.js';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { issuerApp, lastRefusal, tokenRequest } from './stack.js';

// A tiny loopback HTTP server serves the intermediate's CRLs at the paths the leaves name in
// their crlDistributionPoints; `served` says what each path answers right now.
let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
let rootCrl: string;
let server: Server;
let downPort: number;
const served = new Map<string, Buffer | 'hang'>();
const fetched: string[] = [];
const leaves: Record<string, string> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    fetched.push(req.url!);
    const body = served.get(req.url!);
    if (body === 'hang') return; // never answers: the timeout must end it
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  downPort = await freePort();
  root = createRootCa();
  const issued = root.issue('Inter CA', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  rootCrl = join(root.dir, 'root.crl');
  writeFileSync(rootCrl, root.crl());
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) leaves[name] = inter.issue(name, { urls: { crl: `${base}/${name}.crl` } }).certificateFile;
  leaves.grace = inter.issue('grace', { urls: { crl: `http://127.0.0.1:${downPort}/inter.crl` } }).certificateFile;
  inter.revoke(leaves.bob!);
  const fresh = Buffer.from(inter.crl());
  served.set('/alice.crl', fresh).set('/bob.crl', fresh).set('/carol.crl', Buffer.from(inter.staleCrl())).set('/dave.crl', 'hang');
  served.set('/erin.crl', Buffer.alloc(4096, 0x30)).set('/frank.crl', Buffer.from(createRootCa('Inter CA').crl()));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  root?.cleanup();
});

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
const chain = (name: string) => [leaves[name]!, interFile];
const app = (options: object = {}) => issuerApp(root, NAMES, { certificateRevocation: { crlDistributionPoints: true, crlFiles: rootCrl, timeoutMs: 500, ...options } });

describe('tls_client_auth with certificateRevocation.crlDistributionPoints (CRLs over loopback HTTP)', () => {
  it('issues a token when the fetched CRL does not list the certificate, and keeps the CRL until nextUpdate', async () => {
    const { app: server } = await app();
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
    expect(fetched.filter((url) => url === '/alice.crl')).toHaveLength(1);
  });

  it('refuses a certificate the fetched CRL lists with ERR_CHAIN_REVOKED', async () => {
    const { app: server, logger } = await app({ mode: 'soft-fail' });
    const response = await tokenRequest(server, 'bob', chain('bob'));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(lastRefusal(logger)).toMatch(/ERR_CHAIN_REVOKED.*CN=bob/);
  });

  it('fails closed on a CRL past its nextUpdate, also under soft-fail', async () => {
    const { app: server, logger } = await app({ mode: 'soft-fail' });
    expect((await tokenRequest(server, 'carol', chain('carol'))).status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*stale/);
  });

  it.each([
    ['hangs', 'dave', /within 500 ms/],
    ['answers something that is not a CRL', 'erin', /ERR_REVOCATION_UNKNOWN/],
    ['serves a CRL signed by another key under the issuer name', 'frank', /not a CRL signed by "CN=Inter CA"/],
    ['is down', 'grace', /ECONNREFUSED/],
  ])('refuses under hard-fail when the distribution point %s (ERR_REVOCATION_UNKNOWN)', async (_case, name, reason) => {
    const { app: server, logger } = await app();
    const response = await tokenRequest(server, name, chain(name));
    expect(response.status).toBe(401);
    expect(lastRefusal(logger)).toContain('ERR_REVOCATION_UNKNOWN');
    expect(lastRefusal(logger)).toMatch(reason);
  });

  it('refuses a CRL larger than maxCrlBytes without reading it all', async () => {
    const { app: server, logger } = await app({ maxCrlBytes: 1024 });
    expect((await tokenRequest(server, 'erin', chain('erin'))).status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/declares 4096 bytes, above the cap of 1024/);
  });
});
