import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslSubject, pkiPath } from '../helpers/fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm run fixtures (scripts/fixtures.ts)', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'mtls-pop-fixtures-'));
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'fixtures.ts'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const verify = (file: string, ca = 'root-ca.pem') => {
    try {
      return execFileSync('openssl', ['verify', '-CAfile', join(out, ca), '-untrusted', join(out, 'intermediate-ca.pem'), join(out, file)], { encoding: 'utf8', stdio: 'pipe' }).trim();
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim();
    }
  };

  it('writes the same set of files the tests use', () => {
    expect(readdirSync(out).sort()).toEqual(readdirSync(pkiPath('.')).sort());
  });

  it.each(['client-ec.pem', 'client-ec-p384.pem', 'client-rsa.pem', 'client-ed25519.pem', 'server.pem'])('%s chains to the root through the intermediate (openssl verify)', (file) => {
    expect(verify(file)).toBe(`${join(out, file)}: OK`);
  });

  it.each([
    ['client-expired.pem', 'certificate has expired'],
    ['client-not-yet-valid.pem', 'certificate is not yet valid'],
    ['client-unrelated.pem', 'unable to get local issuer certificate'],
    ['client-self-signed.pem', 'self-signed certificate'],
  ])('%s fails verification as intended (%s)', (file, reason) => {
    expect(verify(file)).toContain(reason);
  });

  it('keeps the subjects the tests and the docs name', () => {
    expect(opensslSubject(join(out, 'client-ec.pem'))).toBe(opensslSubject(pkiPath('client-ec.pem')));
  });
});
