import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { issuerApp, lastRefusal, tokenRequest } from './stack.js';

// A root, an intermediate under it, and leaves issued by the intermediate with `openssl ca`.
let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
const leaves: Record<string, { certificateFile: string }> = {};
const NAMES = ['alice', 'bob', 'carol', 'dave'];
let spare: ReturnType<typeof createRootCa>;

function writeCrl(name: string, ...pems: string[]): string {
  const file = join(root.dir, name);
  writeFileSync(file, pems.join(''));
  return file;
}

beforeAll(() => {
  root = createRootCa();
  const issued = root.issue('Inter CA', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  for (const name of NAMES) leaves[name] = inter.issue(name);
  inter.revoke(leaves.bob!.certificateFile);
  // A CA with the intermediate's name but another key: its CRLs must not count.
  spare = createRootCa('Inter CA');
});

afterAll(() => {
  root?.cleanup();
  spare?.cleanup();
});

const chainOf = (name: string) => [leaves[name]!.certificateFile, interFile];

describe('tls_client_auth with certificateRevocation.crlFiles (CRLs made by openssl ca -gencrl)', () => {
  describe('when fresh CRLs of the intermediate and the root cover the path', () => {
    let app: Awaited<ReturnType<typeof issuerApp>>;
    beforeAll(async () => {
      app = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: [writeCrl('fresh.pem', inter.crl(), root.crl())] } });
    });

    it('issues a token to a client whose certificate is not revoked', async () => {
      const response = await tokenRequest(app.app, 'alice', chainOf('alice'));
      expect(response.status).toBe(200);
    });

    it('refuses a revoked leaf with 401 invalid_client and ERR_CHAIN_REVOKED in the log line', async () => {
      const response = await tokenRequest(app.app, 'bob', chainOf('bob'));
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(lastRefusal(app.logger)).toContain('ERR_CHAIN_REVOKED');
      expect(JSON.stringify(response.body)).not.toContain('ERR_CHAIN_REVOKED');
    });

    it('agrees with openssl verify -crl_check_all on both leaves', () => {
      const crl = join(root.dir, 'fresh.pem');
      const verify = (name: string) => spawnSync('openssl', ['verify', '-crl_check_all', '-CRLfile', crl, '-CAfile', root.certificateFile, '-untrusted', interFile,
        leaves[name]!.certificateFile], { encoding: 'utf8' });
      expect(verify('alice').status).toBe(0);
      expect(verify('bob').stdout + verify('bob').stderr).toMatch(/certificate revoked/);
    });
  });

  describe('when the root CRL lists the intermediate (a revoked intermediate)', () => {
    let revokedRoot: ReturnType<typeof createRootCa>;
    afterAll(() => revokedRoot?.cleanup());

    it('refuses every leaf under it with ERR_CHAIN_REVOKED', async () => {
      revokedRoot = createRootCa('Revoking Root');
      const issued = revokedRoot.issue('Doomed CA', { ca: true });
      const leaf = issued.ca!.issue('erin');
      revokedRoot.revoke(issued.certificateFile);
      const file = join(revokedRoot.dir, 'crls.pem');
      writeFileSync(file, issued.ca!.crl() + revokedRoot.crl());
      const { app, logger } = await issuerApp(revokedRoot, ['erin'], { certificateRevocation: { crlFiles: file } });
      const response = await tokenRequest(app, 'erin', [leaf.certificateFile, issued.certificateFile]);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(lastRefusal(logger)).toMatch(/ERR_CHAIN_REVOKED.*Doomed CA/);
    });
  });

  describe('when the CRL is past its nextUpdate', () => {
    it.each(['hard-fail', 'soft-fail'] as const)('fails closed under %s with ERR_REVOCATION_UNKNOWN', async (mode) => {
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { mode, crlFiles: writeCrl(`stale-${mode}.pem`, inter.staleCrl(), root.crl()) } });
      const response = await tokenRequest(app, 'alice', chainOf('alice'));
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*stale/);
    });
  });

  describe("when the CRL issuer's clock runs ahead (thisUpdate a minute in the future)", () => {
    it('uses the CRL within clockSkewSeconds, and not with clockSkewSeconds: 0', async () => {
      const ahead = new Date(Date.now() + 60_000);
      const file = writeCrl('ahead.pem', inter.crlAt(ahead, new Date(Date.now() + 24 * 3600_000)), root.crl());
      const { app } = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: file } });
      expect((await tokenRequest(app, 'bob', chainOf('bob'))).status).toBe(401);
      expect((await tokenRequest(app, 'alice', chainOf('alice'))).status).toBe(200);
      const strict = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: file, clockSkewSeconds: 0 } });
      expect((await tokenRequest(strict.app, 'alice', chainOf('alice'))).status).toBe(401);
      expect(lastRefusal(strict.logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*not valid before/);
    });
  });

  describe('when no CRL of an issuer in the path is configured', () => {
    it('refuses under hard-fail (the default): the root CRL is missing for the intermediate', async () => {
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: writeCrl('inter-only.pem', inter.crl()) } });
      const response = await tokenRequest(app, 'alice', chainOf('alice'));
      expect(response.status).toBe(401);
      expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN.*Inter CA/);
    });

    it("accepts with scope: 'leaf', which checks the leaf only", async () => {
      const { app } = await issuerApp(root, NAMES, { certificateRevocation: { scope: 'leaf', crlFiles: join(root.dir, 'inter-only.pem') } });
      expect((await tokenRequest(app, 'alice', chainOf('alice'))).status).toBe(200);
      expect((await tokenRequest(app, 'bob', chainOf('bob'))).status).toBe(401);
    });

    it("accepts under soft-fail and logs the miss with ERR_REVOCATION_UNKNOWN", async () => {
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { mode: 'soft-fail', crlFiles: join(root.dir, 'inter-only.pem') } });
      expect((await tokenRequest(app, 'alice', chainOf('alice'))).status).toBe(200);
      const miss = logger.lines.find((line) => line.object.event === 'revocation_soft_fail');
      expect(miss?.object).toMatchObject({ code: 'ERR_REVOCATION_UNKNOWN', subject: 'CN=Inter CA' });
      // soft-fail never lets a revoked certificate through.
      expect((await tokenRequest(app, 'bob', chainOf('bob'))).status).toBe(401);
    });
  });

  describe('when the CRL is signed by another key under the issuer\'s name', () => {
    it('does not believe it and refuses with ERR_REVOCATION_UNKNOWN', async () => {
      const forged = spare.crl();
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: writeCrl('forged.pem', forged, root.crl()) } });
      const response = await tokenRequest(app, 'bob', chainOf('bob'));
      expect(response.status).toBe(401);
      expect(lastRefusal(logger)).toContain('ERR_REVOCATION_UNKNOWN');
    });
  });

  describe('when the CRL file changes', () => {
    it('uses the new CRL from the next request (atomic replace by rename)', async () => {
      const file = writeCrl('live.pem', inter.crl(), root.crl());
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: file, crlFileCheckIntervalMs: 0 } });
      expect((await tokenRequest(app, 'carol', chainOf('carol'))).status).toBe(200);
      inter.revoke(leaves.carol!.certificateFile);
      const next = writeCrl('live.pem.new', inter.crl(), root.crl());
      renameSync(next, file);
      const response = await tokenRequest(app, 'carol', chainOf('carol'));
      expect(response.status).toBe(401);
      expect(lastRefusal(logger)).toContain('ERR_CHAIN_REVOKED');
    });

    it('fails closed while the file is unreadable', async () => {
      const file = writeCrl('broken.pem', inter.crl(), root.crl());
      const { app, logger } = await issuerApp(root, NAMES, { certificateRevocation: { crlFiles: file, crlFileCheckIntervalMs: 0 } });
      expect((await tokenRequest(app, 'dave', chainOf('dave'))).status).toBe(200);
      writeFileSync(file, '-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n');
      const response = await tokenRequest(app, 'dave', chainOf('dave'));
      expect(response.status).toBe(401);
      expect(lastRefusal(logger)).toContain('ERR_REVOCATION_UNKNOWN');
      expect(logger.lines.some((line) => line.object.event === 'crl_file_unreadable')).toBe(true);
    });
  });
});

void execFileSync;
