import { generateKeyPairSync } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { CONFIG_KEYS, type MtlsPopConfig } from '../config/index.js';
import { schema } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ClientCertificateOptions } from '../proxy/middleware.js';
import { clientCertificate } from '../proxy/middleware.js';
import { requireCertificateBoundToken, type CertificateBoundTokenOptions } from '../resource/index.js';

/** The `clientCertificate` options `serve` runs with, from the configuration. */
export function certificateOptions(config: MtlsPopConfig, logger: Logger): ClientCertificateOptions {
  if (config.mode === 'tls') return { source: 'tls', logger };
  const proxy = config.proxy;
  return {
    source: 'header',
    trustedProxies: proxy.trustedProxies,
    allowUnixSocket: proxy.allowUnixSocket,
    ...forwardingHeaders(proxy),
    requireVerified: proxy.requireVerified,
    untrusted: proxy.untrusted,
    maxHeaderLength: proxy.maxHeaderLength,
    cacheSize: config.cache.certificates,
    logger,
  };
}

/**
 * Header, format, chain and verify header: the keys as set, or with `proxy.preset` the preset,
 * overridden by each of those keys set to other than its default.
 */
export function forwardingHeaders(proxy: MtlsPopConfig['proxy']): ClientCertificateOptions {
  const defaults = schema.proxy;
  const setByUser = <K extends 'header' | 'chainHeader' | 'format' | 'verifyHeader'>(key: K): boolean =>
    proxy.preset === '' || proxy[key] !== defaults[key].default;
  return {
    ...(proxy.preset ? { preset: proxy.preset } : {}),
    ...(setByUser('header') ? { header: proxy.header } : {}),
    ...(proxy.chainHeader && setByUser('chainHeader') ? { chainHeader: proxy.chainHeader } : {}),
    ...(setByUser('format') ? { format: proxy.format } : {}),
    ...(proxy.verifyHeader && setByUser('verifyHeader') ? { verifyHeader: proxy.verifyHeader } : {}),
  };
}

/** The sample API's `requireCertificateBoundToken` options, from the configuration and the running parts. */
export function sampleApiOptions(config: MtlsPopConfig, parts: Pick<CertificateBoundTokenOptions, 'jwks' | 'issuer' | 'audience' | 'revocations' | 'logger'>): CertificateBoundTokenOptions {
  return {
    // The KeyStore itself, not a snapshot: keys rotated into the shared file verify at once.
    jwks: parts.jwks,
    issuer: parts.issuer,
    audience: parts.audience,
    algorithms: config.api.algorithms,
    cacheSize: config.cache.tokens,
    realm: 'mtls-pop sample API',
    // RFC 7009: the store the issuer writes revocations to (memory, or the shared Redis).
    ...(parts.revocations ? { revocations: parts.revocations } : {}),
    logger: parts.logger,
  };
}

// Which configuration key feeds each middleware option, to name it in a problem line.
const SOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  clientCertificate: {
    preset: 'proxy.preset', trustedProxies: 'proxy.trustedProxies', allowUnixSocket: 'proxy.allowUnixSocket', header: 'proxy.header', chainHeader: 'proxy.chainHeader',
    format: 'proxy.format', verifyHeader: 'proxy.verifyHeader', requireVerified: 'proxy.requireVerified', untrusted: 'proxy.untrusted',
    maxHeaderLength: 'proxy.maxHeaderLength', cacheSize: 'cache.certificates',
  },
  requireCertificateBoundToken: { algorithms: 'api.algorithms', cacheSize: 'cache.tokens', audience: 'api.audience', issuer: 'issuer.url' },
};

function problemLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(\w+):? (\w+)/.exec(message);
  const key = match ? SOURCES[match[1]!]?.[match[2]!] : undefined;
  const env = CONFIG_KEYS.find((entry) => entry.key === key)?.env;
  return key ? `${key} (${env}): ${message.replace(/^\w+: /, '')}` : message;
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let placeholderKeys: JSONWebKeySet | undefined;

/**
 * What `serve` would refuse in the configuration before it listens: the same option checks its
 * middleware run at construction (trust lists that trust everyone, reserved header names, caps).
 * `mtls-pop config check` and `serve` both call this, so they agree.
 */
export function serveOptionProblems(config: MtlsPopConfig): string[] {
  const problems: string[] = [];
  try {
    clientCertificate(certificateOptions(config, SILENT));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    problems.push(problemLine(error));
  }
  placeholderKeys ??= { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'placeholder', alg: 'ES256', use: 'sig' }] };
  const issuer = config.issuer.url.replace(/\/+$/, '') || 'https://localhost';
  try {
    requireCertificateBoundToken(sampleApiOptions(config, { jwks: placeholderKeys, issuer, audience: config.api.audience || `${issuer}/api`, logger: SILENT }));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    problems.push(problemLine(error));
  }
  return problems;
}
