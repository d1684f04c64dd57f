import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../src/config/index.js';
import { cli, expectOneLineError } from './io.js';

const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-config-cli-'));
writeFileSync(join(cwd, 'proxy.json'), JSON.stringify({
  mode: 'behind-proxy', listen: { port: 3000 }, proxy: { trustedProxies: ['loopback'] },
  issuer: { url: 'https://as.example.com' }, revocation: { store: 'redis://:topsecret@10.0.0.5:6379/0' },
}));
writeFileSync(join(cwd, 'typo.json'), JSON.stringify({ proxy: { trustedProxy: ['loopback'] } }));

describe('mtls-pop config', () => {
  describe('check', () => {
    it('accepts the defaults and says what serve would do', async () => {
      const result = await cli(['config', 'check'], { cwd });
      expect(result).toEqual({ code: 0, stdout: 'configuration OK: mode tls: HTTPS with client certificates on 127.0.0.1:8443; issuer https://localhost:8443\n', stderr: '' });
    });
    it('reads --config and the environment, environment last', async () => {
      const result = await cli(['config', 'check', '--config', 'proxy.json'], { cwd, env: { MTLS_POP_PORT: '3100' } });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("configuration OK: mode behind-proxy: plain HTTP on 127.0.0.1:3100; certificate from 'x-ssl-client-cert' (nginx) sent by loopback; issuer https://as.example.com\n");
    });
    it('honours --behind-proxy, and then needs a trusted proxy', async () => {
      const result = await cli(['config', 'check', '--behind-proxy'], { cwd, env: { MTLS_POP_ISSUER: 'https://as.example.com' } });
      expectOneLineError(result, 1, /^mtls-pop config: proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): behind-proxy mode needs the proxy's address/);
    });
    it('names a misspelt key of the file and suggests the right one', async () => {
      expectOneLineError(await cli(['config', 'check', '--config', 'typo.json'], { cwd }), 1, /proxy\.trustedProxy \(.*typo\.json\): unknown key; did you mean 'proxy\.trustedProxies'\?$/);
    });
    it('names a configured file that does not exist', async () => {
      const result = await cli(['config', 'check'], { cwd, env: { MTLS_POP_TRUST_ANCHORS: 'certs/none.pem' } });
      expectOneLineError(result, 1, new RegExp(`^mtls-pop config: trust\\.anchors \\(MTLS_POP_TRUST_ANCHORS\\): no such file ${join(cwd, 'certs', 'none.pem')}$`));
    });
    it('prints one line per problem', async () => {
      const result = await cli(['config', 'check'], { cwd, env: { MTLS_POP_PORT: 'x', MTLS_POP_MODE: 'y' } });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^mtls-pop config: mode \(MTLS_POP_MODE\): /),
        expect.stringMatching(/^mtls-pop config: listen\.port \(MTLS_POP_PORT\): /),
      ]);
    });
  });

  describe('print', () => {
    it('prints the effective configuration with the Redis password redacted', async () => {
      const result = await cli(['config', 'print', '--config', 'proxy.json'], { cwd });
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as { revocation: { store: string }; listen: { port: number } };
      expect(printed.revocation.store).toBe('redis://:***@10.0.0.5:6379/0');
      expect(printed.listen.port).toBe(3000);
      expect(result.stdout).not.toContain('topsecret');
    });
    it('redacts a password given as a query parameter (ioredis reads ?password=)', async () => {
      const result = await cli(['config', 'print'], { cwd, env: { MTLS_POP_REVOCATION_STORE: 'rediss://cache.internal:6380/0?password=qu3rysecret' } });
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { revocation: { store: string } }).revocation.store).toBe('rediss://cache.internal:6380/0?password=***');
      expect(result.stdout).not.toContain('qu3rysecret');
    });
    it('lists every key with its variable, default and meaning with --schema', async () => {
      const result = await cli(['config', 'print', '--schema']);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(CONFIG_KEYS.length);
      expect(lines).toContain(`listen.port\tMTLS_POP_PORT\t8443\t${CONFIG_KEYS.find((key) => key.key === 'listen.port')!.doc}`);
    });
  });

  describe('wrong arguments: one line, exit 2', () => {
    it.each([
      ['no action', ['config'], /expected 'check' or 'print'/],
      ['an unknown action', ['config', 'show'], /unknown action 'show'/],
      ['--schema with check', ['config', 'check', '--schema'], /--schema goes with print/],
      ['--config without a file name', ['config', 'check', '--config'], /Option '--config <value>' argument missing/],
    ])('%s', async (_name, argv, expected) => {
      expectOneLineError(await cli(argv, { cwd }), 2, expected);
    });
    it('a --config file that does not exist: exit 1', async () => {
      expectOneLineError(await cli(['config', 'check', '--config', 'nope.json'], { cwd }), 1, /--config .*nope\.json: no such file/);
    });
  });

  describe('a config file with a JSON syntax error', () => {
    it('names the file, line and column, and quotes none of its text (a Redis password, say)', async () => {
      writeFileSync(join(cwd, 'broken.json'), '{\n  "revocation": { "store": "redis://:topsecret@10.0.0.5:6379/0" }\n  "mode": "tls"\n}\n');
      const result = await cli(['config', 'check', '--config', 'broken.json'], { cwd });
      expectOneLineError(result, 1, /--config .*broken\.json: not valid JSON \(line 3, column 3\)$/);
      expect(result.stderr + result.stdout).not.toContain('topsecret');
      expect(result.stderr).not.toContain('"mode"');
    });
  });

  describe('check runs exactly what serve refuses before listening', () => {
    const proxyEnv = { MTLS_POP_MODE: 'behind-proxy', MTLS_POP_ISSUER: 'https://as.example.com', MTLS_POP_TRUSTED_PROXIES: 'loopback' };
    it.each([
      ['a trust list of everyone in two halves', { MTLS_POP_TRUSTED_PROXIES: '0.0.0.0/1,128.0.0.0/1' }, /^proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): trustedProxies "0\.0\.0\.0\/1,128\.0\.0\.0\/1" trusts every IPv4 address/],
      ['every IPv4 peer as mapped IPv6', { MTLS_POP_TRUSTED_PROXIES: '::ffff:0:0/96' }, /^proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): .*trusts every IPv4 address/],
      ['0.0.0.0/0', { MTLS_POP_TRUSTED_PROXIES: '0.0.0.0/0' }, /^proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): trustedProxies: invalid range/],
      ['maxHeaderLength 0', { MTLS_POP_MAX_HEADER_LENGTH: '0' }, /^proxy\.maxHeaderLength \(MTLS_POP_MAX_HEADER_LENGTH\): maxHeaderLength must be an integer/],
      ['authorization as the certificate header', { MTLS_POP_HEADER: 'authorization' }, /^proxy\.header \(MTLS_POP_HEADER\): header "authorization" is a standard or hop-by-hop header/],
      ['cookie as the verify header', { MTLS_POP_VERIFY_HEADER: 'cookie' }, /^proxy\.verifyHeader \(MTLS_POP_VERIFY_HEADER\): verifyHeader "cookie" is a standard/],
    ])('%s: check exits 1, and serve refuses with the same line', async (_name, extra, expected) => {
      const env = { ...proxyEnv, ...extra };
      const checked = await cli(['config', 'check'], { cwd, env });
      expect(checked.code).toBe(1);
      const line = checked.stderr.trim().replace(/^mtls-pop config: (config: )?/, '');
      expect(line).toMatch(expected);
      const served = await cli(['serve', '--port', '0'], { cwd, env });
      expect(served.code).toBe(1);
      expect(served.stderr.trim().replace(/^mtls-pop serve: (config: )?/, '')).toBe(line);
    });
  });
});
