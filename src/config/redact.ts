import type { MtlsPopConfig } from './types.js';

/** A URL with its password (and a user name that is the only credential) replaced by `***`. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (!url.password && !url.username) return value;
  if (url.password) url.password = '***';
  else url.username = '***';
  return url.toString();
}

/** A copy of the configuration safe to print or log: every URL's credentials are masked. */
export function redactConfig(config: MtlsPopConfig): MtlsPopConfig {
  const copy = structuredClone(config);
  copy.revocation.store = redactUrl(copy.revocation.store);
  copy.issuer.url = redactUrl(copy.issuer.url);
  copy.issuer.mtlsUrl = redactUrl(copy.issuer.mtlsUrl);
  return copy;
}
