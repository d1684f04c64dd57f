import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { issuerApp, lastRefusal, tokenRequest } from './stack.js';

// RFC 5280 section 6.3.3 (b)(2): a CRL whose issuing distribution point scopes it to CA
// certificates (or to another partition) says nothing about a leaf outside that scope.
let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
let bob: { certificateFile: string };
let caOnlyCrl: string;
let userCrl: string;
let carol: { certificateFile: string };
let dave: { certificateFile: string };
let partOneCrl: string;
let partTwoCrl: string;
// Partitioned CRLs: each certificate names its partition as its CRL distribution point (never fetched here).
const PART_ONE = 'http://127.0.0.1:9/part-one.crl';
const PART_TWO = 'http://127.0.0.1:9/part-two.crl';

const stamp = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

function gencrl(ca: OpensslCa, section: string, from: number, until: number): string {
  const out = join(ca.dir, `${section}-${from}.pem`);
  execFileSync('openssl', ['ca', '-config', join(ca.dir, 'openssl.cnf'), '-gencrl', '-crlexts', section,
    '-crl_lastupdate', stamp(from), '-crl_nextupdate', stamp(until), '-out', out], { cwd: ca.dir, stdio: 'pipe' });
  return readFileSync(out, 'utf8');
}

beforeAll(() => {
  root = createRootCa('Scope Root');
  const issued = root.issue('Scope Inter CA', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  bob = inter.issue('bob');
  appendFileSync(join(inter.dir, 'openssl.cnf'), [
    '[ crl_ca_only ]', 'authorityKeyIdentifier = keyid', 'issuingDistributionPoint = critical, @idp_ca', '[ idp_ca ]', 'onlyCA = TRUE',
    '[ crl_user ]', 'authorityKeyIdentifier = keyid', 'issuingDistributionPoint = critical, @idp_user', '[ idp_user ]', 'onlyuser = TRUE',
    '[ crl_part_one ]', 'authorityKeyIdentifier = keyid', 'issuingDistributionPoint = critical, @idp_one', '[ idp_one ]', `fullname = URI:${PART_ONE}`,
    '[ crl_part_two ]', 'authorityKeyIdentifier = keyid', 'issuingDistributionPoint = critical, @idp_two', '[ idp_two ]', `fullname = URI:${PART_TWO}`, '',
  ].join('\n'));
  carol = inter.issue('carol', { urls: { crl: PART_TWO } });
  dave = inter.issue('dave', { urls: { crl: PART_TWO } });
  // The CA-certificates CRL lists no leaf, so it is made before bob is revoked (as a real CA's would not list him).
  caOnlyCrl = gencrl(inter, 'crl_ca_only', -1, 24);
  inter.revoke(bob.certificateFile);
  userCrl = gencrl(inter, 'crl_user', -2, 24);
  // Partition one lists what the database holds now (bob); carol is revoked after it was made.
  partOneCrl = gencrl(inter, 'crl_part_one', -1, 24);
  inter.revoke(carol.certificateFile);
  partTwoCrl = gencrl(inter, 'crl_part_two', -1, 24);
});

afterAll(() => root?.cleanup());

const write = (name: string, ...pems: string[]) => {
  const file = join(root.dir, name);
  writeFileSync(file, pems.join(''));
  return file;
};

describe('CRL files scoped by an issuing distribution point', () => {
  it('does not take a CA-certificates-only CRL as an answer for a leaf (openssl verify agrees)', async () => {
    const file = write('ca-only.pem', caOnlyCrl, root.crl());
    const verify = spawnSync('openssl', ['verify', '-crl_check_all', '-CRLfile', file, '-CAfile', root.certificateFile, '-untrusted', interFile, bob.certificateFile], { encoding: 'utf8' });
    expect(verify.status).not.toBe(0);
    expect(verify.stdout + verify.stderr).toMatch(/different CRL scope/);
    const { app, logger } = await issuerApp(root, ['bob'], { certificateRevocation: { crlFiles: file } });
    const response = await tokenRequest(app, 'bob', [bob.certificateFile, interFile]);
    expect(response.status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN/);
  });

  it('answers from the user-certificates CRL even when a newer CA-only CRL of the same issuer is configured', async () => {
    const file = write('partitioned.pem', userCrl, caOnlyCrl, root.crl());
    const verify = spawnSync('openssl', ['verify', '-crl_check_all', '-CRLfile', file, '-CAfile', root.certificateFile, '-untrusted', interFile, bob.certificateFile], { encoding: 'utf8' });
    expect(verify.stdout + verify.stderr).toMatch(/certificate revoked/);
    const { app, logger } = await issuerApp(root, ['bob'], { certificateRevocation: { crlFiles: file } });
    const response = await tokenRequest(app, 'bob', [bob.certificateFile, interFile]);
    expect(response.status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_CHAIN_REVOKED/);
  });
});

describe('partitioned CRL files (issuing distribution point fullName)', () => {
  it('does not take the CRL of another partition as an answer (openssl verify agrees)', async () => {
    const file = write('part-one.pem', partOneCrl, root.crl());
    const verify = spawnSync('openssl', ['verify', '-crl_check_all', '-CRLfile', file, '-CAfile', root.certificateFile, '-untrusted', interFile, carol.certificateFile], { encoding: 'utf8' });
    expect(verify.stdout + verify.stderr).toMatch(/different CRL scope/);
    const { app, logger } = await issuerApp(root, ['carol'], { certificateRevocation: { crlFiles: file } });
    const response = await tokenRequest(app, 'carol', [carol.certificateFile, interFile]);
    expect(response.status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_REVOCATION_UNKNOWN/);
  });

  it("answers from the certificate's own partition: revoked carol is refused, dave is accepted", async () => {
    const file = write('parts.pem', partOneCrl, partTwoCrl, root.crl());
    const { app, logger } = await issuerApp(root, ['carol', 'dave'], { certificateRevocation: { crlFiles: file } });
    expect((await tokenRequest(app, 'carol', [carol.certificateFile, interFile])).status).toBe(401);
    expect(lastRefusal(logger)).toMatch(/ERR_CHAIN_REVOKED/);
    expect((await tokenRequest(app, 'dave', [dave.certificateFile, interFile])).status).toBe(200);
  });
});
