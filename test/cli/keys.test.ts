import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore, type KeyDescription } from '../../src/issuer/index.js';
import { cli, expectOneLineError } from './io.js';

const now = () => Math.floor(Date.now() / 1000);

/** A working folder with a key file where 'serve' would create it (.mtls-pop/signing-keys.json). */
async function folderWithKeys(): Promise<{ cwd: string; file: string; kid: string; privateMember: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-keys-cli-'));
  mkdirSync(join(cwd, '.mtls-pop'));
  const file = join(cwd, '.mtls-pop', 'signing-keys.json');
  const keys = await KeyStore.generate({ file });
  const privateMember = (JSON.parse(readFileSync(file, 'utf8')) as { keys: { d: string }[] }).keys[0]!.d;
  return { cwd, file, kid: keys.active.kid, privateMember };
}

const listed = async (cwd: string, args: string[] = []): Promise<KeyDescription[]> => {
  const result = await cli(['keys', 'list', '--json', ...args], { cwd });
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { keys: KeyDescription[] }).keys;
};

describe('mtls-pop keys', () => {
  describe('init', () => {
    it('creates the key file (0600, in a 0700 state folder) with one key that list and serve read', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-keys-cli-'));
      const file = join(cwd, '.mtls-pop', 'signing-keys.json');
      const result = await cli(['keys', 'init', '--algorithm', 'EdDSA'], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^created ${file} \\(mode 0600\\) with signing key \\S+ \\(EdDSA\\)`));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(cwd, '.mtls-pop')).mode & 0o777).toBe(0o700);
      const keys = await listed(cwd);
      expect(keys.map((key) => [key.alg, key.status])).toEqual([['EdDSA', 'active']]);
      expect(result.stdout).toContain(keys[0]!.kid);
      expect((await KeyStore.fromFile(file)).active.kid).toBe(keys[0]!.kid);
      expect(result.stdout).not.toContain((JSON.parse(readFileSync(file, 'utf8')) as { keys: { d: string }[] }).keys[0]!.d);
    });

    it('writes issuer.keyFile when it is set', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-keys-cli-'));
      const result = await cli(['keys', 'init'], { cwd, env: { MTLS_POP_KEY_FILE: 'keys/issuer.json' } });
      expect(result.code).toBe(0);
      expect(statSync(join(cwd, 'keys', 'issuer.json')).mode & 0o777).toBe(0o600);
    });

    it('refuses to touch a key file that exists (exit 1) and leaves it as it was', async () => {
      const { cwd, file } = await folderWithKeys();
      const before = readFileSync(file, 'utf8');
      expectOneLineError(await cli(['keys', 'init'], { cwd }), 1, new RegExp(`^mtls-pop keys: a key file exists at ${file}; it was left as it is`));
      expect(readFileSync(file, 'utf8')).toBe(before);
    });
  });

  describe('list', () => {
    it('shows kid, algorithm and status of each key, and never private material', async () => {
      const { cwd, file, kid, privateMember } = await folderWithKeys();
      const result = await cli(['keys', 'list'], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').slice(0, 2)).toEqual([file, expect.stringMatching(/^KID\s+ALG\s+STATUS\s+SIGNS FROM\s+RETIRED AT\s+PUBLISHED UNTIL$/)]);
      expect(result.stdout).toMatch(new RegExp(`^${kid}\\s+ES256\\s+active\\s+-\\s+-\\s+-$`, 'm'));
      expect(result.stdout).not.toContain(privateMember);
      expect(await listed(cwd)).toEqual([{ kid, alg: 'ES256', status: 'active' }]);
    });
  });

  describe('rotate', () => {
    it('adds a key that signs after --activate-after, retires the old one then, and says when it leaves the JWKS', async () => {
      const { cwd, file, kid: old, privateMember } = await folderWithKeys();
      const result = await cli(['keys', 'rotate', '--activate-after', '30'], { cwd });
      expect(result.code).toBe(0);
      const fresh = /^new key (\S+) \(ES256\): published now, signs from (\S+) \(in 30 s\)$/m.exec(result.stdout);
      expect(fresh).not.toBeNull();
      expect(result.stdout).toMatch(new RegExp(`^old key ${old} \\(ES256\\): signs until ${fresh![2]}, retires then and stays published until \\S+ \\(issuer.keyRetention 86400 s\\)$`, 'm'));
      expect(result.stdout).not.toContain(privateMember);
      const keys = await listed(cwd);
      expect(keys.map((key) => [key.kid, key.status])).toEqual([[fresh![1], 'next'], [old, 'active']]);
      expect(keys[1]!.retiredAt).toBe(keys[0]!.activatesAt);
      expect(keys[1]!.publishedUntil).toBe(keys[1]!.retiredAt! + 86_400);
      expect(Math.abs(keys[0]!.activatesAt! - (now() + 30))).toBeLessThanOrEqual(2);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((await KeyStore.fromFile(file)).active.kid).toBe(old);
    });

    it('uses issuer.keyFile, issuer.keyRetention and --algorithm; --activate-after 0 switches at once', async () => {
      const { cwd, file, kid: old } = await folderWithKeys();
      writeFileSync(join(cwd, 'config.json'), JSON.stringify({ stateDir: 'elsewhere', issuer: { keyFile: file, keyRetention: 900, tokenLifetime: 300 } }));
      const result = await cli(['keys', 'rotate', '--config', 'config.json', '--activate-after', '0', '--algorithm', 'EdDSA'], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^new key \S+ \(EdDSA\): published now, signs from now$/m);
      expect(result.stdout).toMatch(/\(issuer.keyRetention 900 s\)$/m);
      const keys = await listed(cwd, ['--config', 'config.json']);
      expect(keys.map((key) => [key.alg, key.status])).toEqual([['EdDSA', 'active'], ['ES256', 'retiring']]);
      expect(keys[1]).toMatchObject({ kid: old, publishedUntil: keys[1]!.retiredAt! + 900 });
    });
  });

  describe('errors', () => {
    it.each([
      [[], /^mtls-pop keys: expected 'init', 'list' or 'rotate'/],
      [['shuffle'], /^mtls-pop keys: unknown action 'shuffle'; expected 'init', 'list' or 'rotate'/],
      [['rotat'], /^mtls-pop keys: unknown action 'rotat'; did you mean 'rotate'\?; expected 'init', 'list' or 'rotate'/],
      [['list', 'extra'], /^mtls-pop keys: unexpected argument 'extra'/],
      [['list', '--activate-after', '5'], /^mtls-pop keys: --activate-after and --algorithm go with rotate/],
      [['rotate', '--json'], /^mtls-pop keys: --json goes with list/],
      [['rotate', '--activate-after', 'soon'], /^mtls-pop keys: --activate-after must be an integer from 0 to 86400; got 'soon'/],
      [['rotate', '--algorithm', 'HS256'], /^mtls-pop keys: --algorithm must be one of ES256, EdDSA, PS256, RS256; got 'HS256'/],
    ])('refuses %j with one line and exit 2', async (args, pattern) => {
      expectOneLineError(await cli(['keys', ...args]), 2, pattern);
    });

    it('says where it looked when there is no key file (exit 1)', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-keys-cli-'));
      expectOneLineError(await cli(['keys', 'rotate'], { cwd }), 1, new RegExp(`^mtls-pop keys: no key file at ${join(cwd, '.mtls-pop', 'signing-keys.json')}: create it with 'mtls-pop keys init'`));
    });

    it('refuses a broken key file without quoting it and leaves it as it was (exit 1)', async () => {
      const { cwd, file, privateMember } = await folderWithKeys();
      const broken = readFileSync(file, 'utf8').slice(0, 120);
      writeFileSync(file, broken);
      const result = await cli(['keys', 'rotate'], { cwd });
      expectOneLineError(result, 1, new RegExp(`^mtls-pop keys: ${file} is not JSON$`));
      expect(result.stderr).not.toContain(privateMember.slice(0, 8));
      expect(readFileSync(file, 'utf8')).toBe(broken);
    });

    it('refuses a key retention shorter than the token lifetime (exit 1, names both keys)', async () => {
      const { cwd } = await folderWithKeys();
      const result = await cli(['keys', 'rotate'], { cwd, env: { MTLS_POP_KEY_RETENTION: '60', MTLS_POP_TOKEN_LIFETIME: '600' } });
      expectOneLineError(result, 1, /^mtls-pop keys: config: issuer.keyRetention \(MTLS_POP_KEY_RETENTION\): 60 is less than issuer.tokenLifetime \(600\)/);
    });
  });
});
