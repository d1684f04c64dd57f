import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute path of a file under fixtures/pki. */
export const pkiPath = (name: string): string => join(import.meta.dirname, '..', '..', 'fixtures', 'pki', name);

/** A fixture file's text. */
export const readPki = (name: string): string => readFileSync(pkiPath(name), 'utf8');

/** The x5t#S256 that openssl computes for a PEM fixture: the independent cross-check. */
export function opensslThumbprint(pemFile: string): string {
  const out = execFileSync('openssl', ['x509', '-in', pemFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  const hex = out.trim().split('=')[1]!.replace(/:/g, '');
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The RFC 4514 subject that openssl prints for a PEM fixture. */
export function opensslSubject(pemFile: string): string {
  return execFileSync('openssl', ['x509', '-in', pemFile, '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' })
    .trim().replace(/^subject=/, '');
}
