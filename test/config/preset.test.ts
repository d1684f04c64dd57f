import { ConfigError, loadConfig } from '../../src/config/index.js';
import { forwardingHeaders } from '../../src/server/app.js';

const behindProxy = { MTLS_POP_MODE: 'behind-proxy', MTLS_POP_TRUSTED_PROXIES: 'loopback', MTLS_POP_ISSUER: 'https://as.example.com' };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('proxy.preset (MTLS_POP_PROXY_PRESET)', () => {
  it('passes the preset alone while header, format, chainHeader and verifyHeader keep their defaults', () => {
    const config = loadConfig({ env: { ...behindProxy, MTLS_POP_PROXY_PRESET: 'haproxy' } });
    expect(forwardingHeaders(config.proxy)).toEqual({ preset: 'haproxy' });
  });

  it('lets a key set to other than its default override the preset', () => {
    const config = loadConfig({ env: { ...behindProxy, MTLS_POP_PROXY_PRESET: 'haproxy', MTLS_POP_HEADER: 'x-client-der', MTLS_POP_VERIFY_HEADER: 'x-client-verify' } });
    expect(forwardingHeaders(config.proxy)).toEqual({ preset: 'haproxy', header: 'x-client-der', verifyHeader: 'x-client-verify' });
  });

  it('without a preset passes the keys as before', () => {
    const config = loadConfig({ env: behindProxy });
    expect(forwardingHeaders(config.proxy)).toEqual({ header: 'x-ssl-client-cert', format: 'nginx', verifyHeader: 'x-ssl-client-verify' });
  });

  it('refuses an unknown preset, naming the variable', () => {
    expect(problemsOf(() => loadConfig({ env: { ...behindProxy, MTLS_POP_PROXY_PRESET: 'ngnix' } })).join('\n')).toMatch(/proxy\.preset/);
  });

  it('refuses requireVerified with a preset that sends no verification result, saying where to verify', () => {
    const problems = problemsOf(() => loadConfig({ env: { ...behindProxy, MTLS_POP_PROXY_PRESET: 'traefik', MTLS_POP_REQUIRE_VERIFIED: 'true' } }));
    expect(problems.join('\n')).toMatch(/proxy\.requireVerified .*preset 'traefik' cannot be checked: Traefik sends no verification result/);
  });
});
