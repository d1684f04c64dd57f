import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ChainValidator } from '../../src/certificate/chain.js';
import { pemToDer } from '../../src/certificate/pem.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { RevocationChecker } from '../../src/revocation/index.js';
import { memoryLogger } from '../issuer/helpers.js';
import { createRootCa, type OpensslCa } from './openssl-ca.js';

// clientCertificate({ revocation }) on a bare node:http server: a proxy that checks nothing
// (base64 DER leaf, as Caddy or Traefik forward it) and the middleware validates and checks.
let root: ReturnType<typeof createRootCa>;
let stranger: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let server: Server;
let url: string;
const logger = memoryLogger();
const leaves: Record<string, string> = {};

beforeAll(async () => {
  root = createRootCa();
  stranger = createRootCa('Stranger CA');
  const issued = root.issue('Inter CA', { ca: true });
  inter = issued.ca!;
  for (const name of ['alice', 'bob']) leaves[name] = inter.issue(name).certificateFile;
  leaves.mallory = stranger.issue('mallory').certificateFile;
  inter.revoke(leaves.bob!);
  const crl = join(root.dir, 'all.crl');
  writeFileSync(crl, inter.crl() + root.crl());
  const middleware = clientCertificate({
    trustedProxies: 'loopback', format: 'base64-der', logger,
    revocation: {
      validator: new ChainValidator({ trustAnchors: root.pem(), intermediates: readFileSync(issued.certificateFile, 'utf8') }),
      checker: new RevocationChecker({ crlFiles: crl, logger }),
    },
  }) as unknown as (req: unknown, res: unknown, next: () => void) => void;
  server = createServer((req, res) => middleware(req, res, () => {
    res.end(JSON.stringify({ subject: (req as { clientCertificate?: { subject: string } }).clientCertificate?.subject ?? null }));
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  root?.cleanup();
  stranger?.cleanup();
});

const send = (name?: string) => fetch(url, { headers: name ? { 'x-ssl-client-cert': pemToDer(readFileSync(leaves[name]!, 'utf8')).toString('base64') } : {} });
const lastCode = () => [...logger.lines].reverse().find((line) => line.object.code)?.object.code;

describe('clientCertificate({ revocation }) for a proxy that verifies nothing', () => {
  it('passes a valid, unrevoked certificate on', async () => {
    const response = await send('alice');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'CN=alice' });
  });

  it.each([
    ['a revoked certificate', 'bob', 'ERR_CHAIN_REVOKED'],
    ['a certificate of an unknown CA', 'mallory', 'ERR_CHAIN_UNTRUSTED'],
  ])('answers %s with 401 invalid_client and the code in the log line', async (_case, name, code) => {
    const response = await send(name);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'the client certificate is not accepted' });
    expect(lastCode()).toBe(code);
  });

  it('lets a request without a certificate through (required decides)', async () => {
    expect((await send()).status).toBe(200);
  });

  it('refuses a revocation option that is not { validator, checker }', () => {
    expect(() => clientCertificate({ trustedProxies: 'loopback', revocation: {} as never })).toThrow(/revocation must be \{ validator/);
  });
});
