import type { MtlsPopConfig } from './types.js';

// ioredis copies every query parameter of a redis:// URL into its options, so `?password=`,
// `?username=`, `?sentinelPassword=` are credentials as much as the user-info part is.
const CREDENTIAL_PARAMETER = /pass|user|secret|token|auth|cred|key/i;

/**
 * A URL with every credential replaced by `***`: the password, a user name (some Redis URLs carry
 * the password there), and query parameters that ioredis reads as credentials. A value that is
 * not a URL but looks like it carries one is masked whole.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return /[@?]/.test(value) ? '***' : value;
  }
  let changed = false;
  if (url.password) {
    url.password = '***';
    changed = true;
  } else if (url.username) {
    url.username = '***';
    changed = true;
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (!CREDENTIAL_PARAMETER.test(name)) continue;
    url.searchParams.set(name, '***');
    changed = true;
  }
  if (url.hash) {
    url.hash = '';
    changed = true;
  }
  return changed ? url.toString().replaceAll('%2A%2A%2A', '***') : value;
}

/** A copy of the configuration safe to print or log: every URL's credentials are masked. */
export function redactConfig(config: MtlsPopConfig): MtlsPopConfig {
  const copy = structuredClone(config);
  copy.revocation.store = redactUrl(copy.revocation.store);
  copy.issuer.url = redactUrl(copy.issuer.url);
  copy.issuer.mtlsUrl = redactUrl(copy.issuer.mtlsUrl);
  copy.trust.ocspResponder = redactUrl(copy.trust.ocspResponder);
  if (copy.metrics.token) copy.metrics.token = '***';
  return copy;
}
