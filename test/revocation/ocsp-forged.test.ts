import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../helpers/servers.js';
import { startOcspResponder, type RunningResponder } from './ocsp-responder.js';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { issuerApp, lastRefusal, tokenRequest } from './stack.js';

// What an attacker on the path to the responder can send back for a revoked certificate:
// a genuine "good" answer about another certificate of the same CA (replayed), or a "good"
// signed with a client certificate that CA issued to the attacker (no id-kp-OCSPSigning).
let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
let rootCrl: string;
const responders: RunningResponder[] = [];
let replay: Server | undefined;
const leaves: Record<string, string> = {};

beforeAll(async () => {
  root = createRootCa('Forged OCSP Root');
  const issued = root.issue('Forged OCSP Inter', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  rootCrl = join(root.dir, 'root.crl');
  writeFileSync(rootCrl, root.crl());
  const [goodPort, leafSignedPort, replayPort] = [await freePort(), await freePort(), await freePort()];
  const alice = inter.issue('alice', { urls: { ocsp: `http://127.0.0.1:${goodPort}` } });
  leaves.alice = alice.certificateFile;
  leaves.mallory = inter.issue('mallory', { urls: { ocsp: `http://127.0.0.1:${replayPort}` } }).certificateFile;
  leaves.trudy = inter.issue('trudy', { urls: { ocsp: `http://127.0.0.1:${leafSignedPort}` } }).certificateFile;
  inter.revoke(leaves.mallory);
  inter.revoke(leaves.trudy);
  responders.push(await startOcspResponder(inter, { port: goodPort }));
  // openssl ocsp signing with alice's own client certificate and key.
  responders.push(await startOcspResponder(inter, { port: leafSignedPort, signer: { responderCertificateFile: alice.certificateFile, responderKeyFile: alice.keyFile } }));
  // A genuine, fresh answer of the CA's responder about alice, without a nonce: served for any question.
  const answer = join(inter.dir, 'alice.ocsp');
  execFileSync('openssl', ['ocsp', '-issuer', inter.certificateFile, '-cert', alice.certificateFile, '-url', `http://127.0.0.1:${goodPort}`,
    '-no_nonce', '-noverify', '-respout', answer], { stdio: 'pipe' });
  const body = readFileSync(answer);
  replay = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => replay!.listen(replayPort, '127.0.0.1', resolve));
  expect((replay.address() as AddressInfo).port).toBe(replayPort);
});

afterAll(async () => {
  await Promise.all(responders.map((responder) => responder.stop()));
  await new Promise<void>((resolve) => (replay ? replay.close(() => resolve()) : resolve()));
  root?.cleanup();
});

const app = (options: object = {}) => issuerApp(root, ['alice', 'mallory', 'trudy'], { certificateRevocation: { ocsp: true, crlFiles: rootCrl, timeoutMs: 2000, ...options } });

describe('forged OCSP answers for a revoked certificate', () => {
  it('the replayed answer is genuine: alice is accepted from her own responder', async () => {
    const { app: server } = await app();
    expect((await tokenRequest(server, 'alice', [leaves.alice!, interFile])).status).toBe(200);
  });

  it.each(['hard-fail', 'soft-fail'] as const)('does not take a replayed "good" about another certificate (certID mismatch) under %s', async (mode) => {
    const { app: server, logger } = await app({ mode });
    const response = await tokenRequest(server, 'mallory', [leaves.mallory!, interFile]);
    if (mode === 'hard-fail') {
      expect(response.status).toBe(401);
      expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*another certificate/);
    } else {
      // soft-fail accepts a miss by design, but logs it: the forged answer never counts as "good".
      expect(logger.lines.find((line) => line.object.event === 'revocation_soft_fail')?.object.reason).toMatch(/another certificate/);
    }
  });

  it('does not take a "good" signed with a client certificate of the same CA (no id-kp-OCSPSigning)', async () => {
    const { app: server, logger } = await app();
    const response = await tokenRequest(server, 'trudy', [leaves.trudy!, interFile]);
    expect(response.status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*not (signed|authorised)/);
  });
});
