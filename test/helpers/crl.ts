/**
 * Certificate revocation lists for tests, made by OpenSSL itself (`openssl ca -revoke`, then
 * `openssl ca -gencrl`) from the fixture CAs, in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkiPath } from './fixtures.js';

export interface CrlIssuer {
  /** Fixture names of the CA certificate and its key, e.g. `intermediate-ca.pem`, `intermediate-ca.key`. */
  cert: string;
  key: string;
  /** Fixture names of the certificates this CA revokes. Default none. */
  revoke?: readonly string[];
}

/** One PEM CRL per issuer, concatenated (HAProxy's `crl-file` wants one for every CA of the chain). */
export function makeCrls(issuers: readonly CrlIssuer[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-crl-'));
  try {
    return issuers.map((issuer, index) => {
      const base = join(dir, String(index));
      writeFileSync(`${base}.index`, '');
      writeFileSync(`${base}.crlnumber`, '1000\n');
      writeFileSync(`${base}.cnf`, [
        '[ca]', 'default_ca = test', '[test]', `database = ${base}.index`, `crlnumber = ${base}.crlnumber`,
        'default_md = sha256', 'default_crl_days = 30', '',
      ].join('\n'));
      const ca = ['-config', `${base}.cnf`, '-cert', pkiPath(issuer.cert), '-keyfile', pkiPath(issuer.key)];
      for (const revoked of issuer.revoke ?? []) execFileSync('openssl', ['ca', ...ca, '-revoke', pkiPath(revoked)], { stdio: 'pipe' });
      return execFileSync('openssl', ['ca', ...ca, '-gencrl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    }).join('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
