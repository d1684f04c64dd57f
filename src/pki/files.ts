import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import { importPrivateKey } from './algorithms.js';
import { issueCertificate, type CertificateAuthority, type IssueOptions } from './issue.js';

/** Why a PKI operation on files was refused. */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: 'ERR_PKI_NO_CA' | 'ERR_PKI_EXISTS' | 'ERR_PKI_NAME' | 'ERR_PKI_CA_UNREADABLE';
  constructor(code: PkiError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface WrittenFiles {
  certificate: string;
  key: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The two files of a named certificate in `dir`: `<name>.pem` and `<name>.key`. */
export function pkiFiles(dir: string, name: string): WrittenFiles {
  if (!NAME.test(name)) throw new PkiError('ERR_PKI_NAME', `invalid name '${name}': letters, digits, '.', '_' and '-' only`);
  return { certificate: resolve(dir, `${name}.pem`), key: resolve(dir, `${name}.key`) };
}

/**
 * Private keys are readable by their owner only, also when `--force` replaces an existing file:
 * `writeFileSync`'s mode applies only to a new file, so the key goes to a fresh 0600 file
 * (exclusive create) that is then renamed over the old one. No moment with the key in a 0644 file.
 */
function writePrivateKey(path: string, keyPem: string): void {
  const temporary = resolve(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, keyPem);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

function write(files: WrittenFiles, certificatePem: string, keyPem: string): void {
  writeFileSync(files.certificate, certificatePem, { mode: 0o644 });
  writePrivateKey(files.key, keyPem);
}

/** Creates a self-signed development CA (`ca.pem`, `ca.key`) in `dir`. */
export async function initCertificateAuthority(dir: string, options: { subject?: string; force?: boolean } = {}): Promise<WrittenFiles> {
  const files = pkiFiles(dir, 'ca');
  if (!options.force && (existsSync(files.certificate) || existsSync(files.key))) {
    throw new PkiError('ERR_PKI_EXISTS', `${files.certificate} already exists (use --force to replace it and invalidate every certificate it issued)`);
  }
  // Every folder created on the way (.mtls-pop/ included) holds private keys: owner only.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await issueCertificate({ subject: options.subject ?? 'O=mtls-pop development, CN=mtls-pop Development CA', profile: 'ca' });
  write(files, ca.certificatePem, ca.privateKeyPem);
  return files;
}

/** The CA in `dir`, ready to sign. */
export async function loadCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  const files = pkiFiles(dir, 'ca');
  if (!existsSync(files.certificate) || !existsSync(files.key)) {
    throw new PkiError('ERR_PKI_NO_CA', `no CA in ${resolve(dir)}: run 'mtls-pop pki init' first`);
  }
  try {
    const certificate = new x509.X509Certificate(readFileSync(files.certificate, 'utf8'));
    const { key, type } = await importPrivateKey(readFileSync(files.key, 'utf8'));
    return { certificate, privateKey: key, keyType: type };
  } catch (error) {
    throw new PkiError('ERR_PKI_CA_UNREADABLE', `cannot read the CA in ${resolve(dir)}: ${(error as Error).message}`);
  }
}

/** Issues `<name>.pem` / `<name>.key` in `dir`, signed by the CA there. */
export async function issueToFiles(
  dir: string,
  name: string,
  options: Omit<IssueOptions, 'issuer'> & { force?: boolean },
): Promise<WrittenFiles & { thumbprint: string }> {
  const files = pkiFiles(dir, name);
  if (name === 'ca') throw new PkiError('ERR_PKI_NAME', "the name 'ca' is the CA's own");
  if (!options.force && (existsSync(files.certificate) || existsSync(files.key))) {
    throw new PkiError('ERR_PKI_EXISTS', `${files.certificate} already exists (use --force to replace it)`);
  }
  const issuer = await loadCertificateAuthority(dir);
  const issued = await issueCertificate({ ...options, issuer });
  write(files, issued.certificatePem, issued.privateKeyPem);
  return { ...files, thumbprint: Buffer.from(await issued.certificate.getThumbprint('SHA-256')).toString('base64url') };
}

