import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/servers.js';
import { startOcspResponder, type RunningResponder } from './ocsp-responder.js';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { issuerApp, lastRefusal, tokenRequest } from './stack.js';

// Leaves under an intermediate whose AIA names one of the real `openssl ocsp` responders below.
// The intermediate itself is covered by the root's CRL (a file), so that the OCSP answer decides the leaf.
let root: ReturnType<typeof createRootCa>;
let spare: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
let rootCrl: string;
const responders: RunningResponder[] = [];
const ports: Record<'good' | 'unknown' | 'down' | 'slow' | 'forged', number> = { good: 0, unknown: 0, down: 0, slow: 0, forged: 0 };
const leaves: Record<string, string> = {};
let good: RunningResponder;

beforeAll(async () => {
  root = createRootCa();
  spare = createRootCa('Spare CA');
  const issued = root.issue('Inter CA', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  rootCrl = join(root.dir, 'root.crl');
  writeFileSync(rootCrl, root.crl());
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  const at = (port: number) => ({ ocsp: `http://127.0.0.1:${port}` });
  leaves.alice = inter.issue('alice', { urls: at(ports.good) }).certificateFile;
  leaves.bob = inter.issue('bob', { urls: at(ports.good) }).certificateFile;
  leaves.frank = inter.issue('frank', { urls: at(ports.down) }).certificateFile;
  leaves.grace = inter.issue('grace', { urls: at(ports.slow) }).certificateFile;
  leaves.heidi = inter.issue('heidi', { urls: at(ports.forged) }).certificateFile;
  leaves.ivan = inter.issue('ivan').certificateFile; // no AIA
  // The "unknown" responder answers from a copy of the database taken before zoe was issued.
  const before = join(inter.dir, 'index-before-zoe.txt');
  copyFileSync(inter.indexFile, before);
  leaves.zoe = inter.issue('zoe', { urls: at(ports.unknown) }).certificateFile;
  inter.revoke(leaves.bob);
  good = await startOcspResponder(inter, { port: ports.good });
  responders.push(good);
  responders.push(await startOcspResponder({ ...inter, indexFile: before }, { port: ports.unknown }));
  const slow = await startOcspResponder(inter, { port: ports.slow });
  slow.pause();
  responders.push(slow);
  // Signed by a responder certificate of another CA: not delegated by the issuer (RFC 6960 section 4.2.2.2).
  responders.push(await startOcspResponder(inter, { port: ports.forged, signer: spare }));
});

afterAll(async () => {
  await Promise.all(responders.map((responder) => responder.stop()));
  root?.cleanup();
  spare?.cleanup();
});

const chain = (name: string) => [leaves[name]!, interFile];
const NAMES = ['alice', 'bob', 'frank', 'grace', 'heidi', 'ivan', 'zoe'];
const app = (options: object = {}) => issuerApp(root, NAMES, { certificateRevocation: { ocsp: true, crlFiles: rootCrl, timeoutMs: 500, ...options } });

describe('tls_client_auth with certificateRevocation.ocsp (real openssl ocsp responders)', () => {
  it('issues a token when the AIA responder says good', async () => {
    const { app: server } = await app();
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
  });

  it('refuses a revoked certificate with 401 invalid_client and ERR_CHAIN_REVOKED', async () => {
    const { app: server, logger } = await app({ mode: 'soft-fail' });
    const response = await tokenRequest(server, 'bob', chain('bob'));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(lastRefusal(logger)).toMatch(/ERR_CHAIN_REVOKED.*CN=bob/);
  });

  it.each([
    ['unknown', 'zoe', /status unknown/],
    ['down', 'frank', /ECONNREFUSED/],
    ['slow', 'grace', /within 500 ms/],
    ['not delegated by the issuer', 'heidi', /not (signed|authorised)/],
  ])('refuses under hard-fail when the responder is %s (ERR_REVOCATION_UNKNOWN)', async (_case, name, reason) => {
    const { app: server, logger } = await app();
    const response = await tokenRequest(server, name, chain(name));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(lastRefusal(logger)).toContain('ERR_REVOCATION_UNKNOWN');
    expect(lastRefusal(logger)).toMatch(reason);
  });

  it.each([['unknown', 'zoe'], ['down', 'frank'], ['slow', 'grace']])('accepts under soft-fail when the responder is %s, and logs the miss', async (_case, name) => {
    const { app: server, logger } = await app({ mode: 'soft-fail' });
    expect((await tokenRequest(server, name, chain(name))).status).toBe(200);
    expect(logger.lines.find((line) => line.object.event === 'revocation_soft_fail')?.object).toMatchObject({ code: 'ERR_REVOCATION_UNKNOWN', subject: `CN=${name}` });
  });

  it('asks the configured ocspResponder for a certificate without AIA', async () => {
    const { app: without } = await app();
    expect((await tokenRequest(without, 'ivan', chain('ivan'))).status).toBe(401);
    const { app: server } = await app({ ocspResponder: good.url });
    expect((await tokenRequest(server, 'ivan', chain('ivan'))).status).toBe(200);
  });

  it("accepts openssl's echoed nonce under ocspNonce: 'require'", async () => {
    const { app: server } = await app({ ocspNonce: 'require' });
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
  });

  it('refuses an answer past its nextUpdate (the responder signs answers valid for 60 minutes; the server clock is 2 hours ahead)', async () => {
    const { app: server, logger } = await issuerApp(root, NAMES, {
      certificateRevocation: { ocsp: true, scope: 'leaf', timeoutMs: 500 }, clock: () => new Date(Date.now() + 2 * 3600_000),
    });
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*the answer expired at/);
  });

  it('keeps a good answer until its nextUpdate: the next request needs no responder', async () => {
    const own = await startOcspResponder(inter);
    responders.push(own);
    const { app: server } = await app({ ocspResponder: own.url });
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
    await own.stop();
    expect((await tokenRequest(server, 'alice', chain('alice'))).status).toBe(200);
    const { app: fresh } = await app({ ocspResponder: own.url });
    expect((await tokenRequest(fresh, 'alice', chain('alice'))).status).toBe(401);
  });
});
