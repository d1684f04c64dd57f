import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig, redactConfig, redactUrl, schema } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-config-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const behindProxy = { MTLS_POP_MODE: 'behind-proxy', MTLS_POP_TRUSTED_PROXIES: 'loopback', MTLS_POP_ISSUER: 'https://as.example.com' };

describe('loadConfig(options)', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      mode: 'tls', stateDir: '.mtls-pop', listen: { host: '127.0.0.1', port: 8443 },
      proxy: { trustedProxies: [], header: 'x-ssl-client-cert', format: 'nginx', untrusted: 'reject', requireVerified: false },
      issuer: { url: '', tokenLifetime: 600, signingAlgorithm: 'ES256' }, revocation: { store: 'memory' }, log: { level: 'info' },
    });
  });

  it('names an environment variable for every key, each starting with MTLS_POP_, all distinct', () => {
    const names = CONFIG_KEYS.map((key) => key.env);
    expect(names.every((name) => name.startsWith('MTLS_POP_'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(CONFIG_KEYS.map((key) => key.key)).toContain('proxy.trustedProxies');
    expect(Object.keys(schema)).toContain('listen');
  });

  describe('precedence: defaults < file < environment < overrides', () => {
    const path = file('precedence.json', JSON.stringify({ listen: { port: 9000, host: '127.0.0.2' }, log: { level: 'debug' } }));
    it.each([
      ['file over default', {}, {}, { port: 9000, host: '127.0.0.2', level: 'debug' }],
      ['environment over file', { MTLS_POP_PORT: '9100' }, {}, { port: 9100, host: '127.0.0.2', level: 'debug' }],
      ['override over environment', { MTLS_POP_PORT: '9100' }, { 'listen.port': 0 }, { port: 0, host: '127.0.0.2', level: 'debug' }],
    ])('%s', (_name, env, overrides, expected) => {
      const config = loadConfig({ file: path, env, overrides });
      expect({ port: config.listen.port, host: config.listen.host, level: config.log.level }).toEqual(expected);
    });
  });

  it('splits list variables on commas and reads booleans strictly', () => {
    const config = loadConfig({ env: { ...behindProxy, MTLS_POP_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8', MTLS_POP_REQUIRE_VERIFIED: 'yes' } });
    expect(config.proxy.trustedProxies).toEqual(['loopback', '10.0.0.0/8']);
    expect(config.proxy.requireVerified).toBe(true);
  });

  describe('refuses a bad value with a message naming the key and its source', () => {
    it.each([
      ['a port out of range from the environment', { MTLS_POP_PORT: '70000' }, /^listen\.port \(MTLS_POP_PORT\): /],
      ['a port that is not a number', { MTLS_POP_PORT: 'http' }, /^listen\.port \(MTLS_POP_PORT\): /],
      ['an unknown mode', { MTLS_POP_MODE: 'proxy' }, /^mode \(MTLS_POP_MODE\): must be one of .*tls.*behind-proxy/],
      ['an unknown header format', { MTLS_POP_HEADER_FORMAT: 'haproxy' }, /^proxy\.format \(MTLS_POP_HEADER_FORMAT\): /],
      ['a boolean that is not one', { MTLS_POP_REQUIRE_VERIFIED: 'maybe' }, /^proxy\.requireVerified \(MTLS_POP_REQUIRE_VERIFIED\): must be true or false/],
      ['an http issuer', { MTLS_POP_ISSUER: 'http://as.example.com' }, /^issuer\.url \(MTLS_POP_ISSUER\): must be an https:\/\/ URL/],
      ['an issuer with a query', { MTLS_POP_ISSUER: 'https://as.example.com/?a=b' }, /^issuer\.url \(MTLS_POP_ISSUER\): must have no query/],
      ['a revocation store that is neither memory nor redis', { MTLS_POP_REVOCATION_STORE: 'mysql://db' }, /^revocation\.store \(MTLS_POP_REVOCATION_STORE\): must be 'memory' or a redis/],
      ['an unknown algorithm for the API', { MTLS_POP_API_ALGORITHMS: 'ES256,HS256' }, /^api\.algorithms \(MTLS_POP_API_ALGORITHMS\): .*HS256/],
      ['an unknown log level', { MTLS_POP_LOG_LEVEL: 'verbose' }, /^log\.level \(MTLS_POP_LOG_LEVEL\): /],
      ['a header name with a space', { MTLS_POP_HEADER: 'x ssl' }, /^proxy\.header: "x ssl" is not a valid HTTP header name/],
      ['a zero token lifetime', { MTLS_POP_TOKEN_LIFETIME: '0' }, /^issuer\.tokenLifetime \(MTLS_POP_TOKEN_LIFETIME\): /],
    ])('%s', (_name, env, expected) => {
      const problems = problemsOf(() => loadConfig({ env }));
      expect(problems.some((problem) => expected.test(problem))).toBe(true);
    });
  });

  it('does not echo the value of a secret key in its error', () => {
    const problems = problemsOf(() => loadConfig({ env: { MTLS_POP_REVOCATION_STORE: 'mysql://user:hunter2@db' } }));
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  describe('behind-proxy mode', () => {
    it('needs an explicit trusted proxy list: nobody is trusted by default', () => {
      const problems = problemsOf(() => loadConfig({ env: { MTLS_POP_MODE: 'behind-proxy', MTLS_POP_ISSUER: 'https://as.example.com' } }));
      expect(problems).toEqual([expect.stringMatching(/^proxy\.trustedProxies \(MTLS_POP_TRUSTED_PROXIES\): behind-proxy mode needs/)]);
    });
    it('needs the public issuer URL', () => {
      const problems = problemsOf(() => loadConfig({ env: { MTLS_POP_MODE: 'behind-proxy', MTLS_POP_TRUSTED_PROXIES: 'loopback' } }));
      expect(problems).toEqual([expect.stringMatching(/^issuer\.url \(MTLS_POP_ISSUER\): behind-proxy mode needs/)]);
    });
    it('is accepted with both', () => {
      expect(loadConfig({ env: behindProxy }).mode).toBe('behind-proxy');
    });
  });

  describe('config files', () => {
    it.each([
      ['a misspelt key, with a hint', '{"listen": {"prot": 1}}', /^listen\.prot \(.*\): unknown key; did you mean 'listen\.port'\?/],
      ['a misspelt group, with a hint', '{"proxi": {"header": "x"}}', /^proxi \(.*\): unknown key; did you mean/],
      ['an unknown key without a near match', '{"database": "x"}', /^database \(.*\): unknown key$/],
      ['a group given a plain value, naming the group, not a hint to itself', '{"proxy": 3}', /^proxy \(.*\): must be an object \(the group of proxy\.\* keys\)$/],
      ['a wrong type', '{"listen": {"port": "eighty"}}', /^listen\.port \(.*precedence-bad\.json\): /],
      ['invalid JSON', '{"listen": ', /^--config .*: not valid JSON/],
      ['a JSON array', '[1]', /^--config .*: must hold a JSON object/],
    ])('refuses %s', (_name, content, expected) => {
      const path = file('precedence-bad.json', content);
      const problems = problemsOf(() => loadConfig({ file: path, env: {} }));
      expect(problems.some((problem) => expected.test(problem))).toBe(true);
    });

    it.each([
      ['issuer.url', '{"issuer": {"url": "http://alice:s3cret@as.example.com"}}', /^issuer\.url \(.*\): must be an https:\/\/ URL.*value was "http:\/\/alice:\*\*\*@as\.example\.com\/"$/],
      ['issuer.url', '{"issuer": {"url": "alice:s3cret@as.example.com"}}', /^issuer\.url \(.*\): .*value was "\*\*\*"$/],
      ['trust.ocspResponder', '{"trust": {"ocspResponder": "ftp://alice:s3cret@ocsp.example.com"}}', /^trust\.ocspResponder \(.*\): .*value was "ftp:\/\/alice:\*\*\*@ocsp\.example\.com\/"$/],
    ])('does not echo the password of a refused %s', (_key, content, expected) => {
      const problems = problemsOf(() => loadConfig({ file: file('refused-url.json', content), env: {} }));
      expect(problems.join('\n')).not.toContain('s3cret');
      expect(problems.some((problem) => expected.test(problem))).toBe(true);
    });

    it('does not echo the password of a refused MTLS_POP_ISSUER', () => {
      const problems = problemsOf(() => loadConfig({ env: { MTLS_POP_ISSUER: 'http://alice:s3cret@as.example.com' } }));
      expect(problems.join('\n')).not.toContain('s3cret');
      expect(problems.some((problem) => /^issuer\.url \(MTLS_POP_ISSUER\): .*alice:\*\*\*@/.test(problem))).toBe(true);
    });

    it('says when the file does not exist, with code ERR_CONFIG_FILE', () => {
      try {
        loadConfig({ file: join(dir, 'missing.json'), env: {} });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect((error as ConfigError).code).toBe('ERR_CONFIG_FILE');
        expect((error as ConfigError).problems[0]).toMatch(/missing\.json: no such file/);
      }
    });
  });

  it('treats an unknown override as a programming error (TypeError)', () => {
    expect(() => loadConfig({ env: {}, overrides: { 'listen.prot': 1 } })).toThrow(TypeError);
  });
});

describe('redactConfig(config)', () => {
  it.each([
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['rediss://user:s3cret@cache:6380', 'rediss://user:***@cache:6380'],
    ['redis://cache:6379', 'redis://cache:6379'],
    ['memory', 'memory'],
  ])('masks the password of %s', (store, expected) => {
    const config = loadConfig({ env: { MTLS_POP_REVOCATION_STORE: store } });
    expect(redactConfig(config).revocation.store).toBe(expected);
    expect(config.revocation.store).toBe(store);
  });

  it('masks the password of trust.ocspResponder', () => {
    const config = loadConfig({ env: { MTLS_POP_OCSP_RESPONDER: 'http://ops:s3cret@ocsp.example.com/' } });
    expect(redactConfig(config).trust.ocspResponder).toBe('http://ops:***@ocsp.example.com/');
    expect(config.trust.ocspResponder).toBe('http://ops:s3cret@ocsp.example.com/');
  });

  it('masks a lone user name, which some Redis URLs use as the password', () => {
    expect(redactUrl('redis://s3cret@cache:6379')).toBe('redis://***@cache:6379');
  });

  // Every form ioredis reads a credential from: user-info, and any query parameter (it copies them all into its options).
  it.each([
    ['redis://cache:6379/0?password=s3cret', 'redis://cache:6379/0?password=***'],
    ['rediss://cache:6380?username=ops&password=s3cret', 'rediss://cache:6380?username=***&password=***'],
    ['redis://cache:6379?db=2&Password=s3cret&password=s3cret', 'redis://cache:6379?db=2&Password=***&password=***'],
    ['redis://user:s3cret@cache:6379?sentinelPassword=s3cret', 'redis://user:***@cache:6379?sentinelPassword=***'],
    ['redis://:s3cret@cache:6379?family=6', 'redis://:***@cache:6379?family=6'],
    ['redis://cache:6379#s3cret', 'redis://cache:6379'],
    ['redis://:s3%40cret@cache', 'redis://:***@cache'],
  ])('masks every credential form of %s', (store, expected) => {
    expect(redactUrl(store)).toBe(expected);
    const config = loadConfig({ env: { MTLS_POP_REVOCATION_STORE: store } });
    expect(JSON.stringify(redactConfig(config))).not.toMatch(/s3cret|s3%40cret|ops/);
  });
});
