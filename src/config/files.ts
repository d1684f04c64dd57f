import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MtlsPopConfig } from './types.js';

const FILE_KEYS = [
  ['tls.certificate', 'MTLS_POP_TLS_CERTIFICATE', (config: MtlsPopConfig) => config.tls.certificate],
  ['tls.key', 'MTLS_POP_TLS_KEY', (config: MtlsPopConfig) => config.tls.key],
  ['tls.clientCa', 'MTLS_POP_TLS_CLIENT_CA', (config: MtlsPopConfig) => config.tls.clientCa],
  ['issuer.clientsFile', 'MTLS_POP_CLIENTS_FILE', (config: MtlsPopConfig) => config.issuer.clientsFile],
  ['trust.anchors', 'MTLS_POP_TRUST_ANCHORS', (config: MtlsPopConfig) => config.trust.anchors],
  ['trust.intermediates', 'MTLS_POP_INTERMEDIATES', (config: MtlsPopConfig) => config.trust.intermediates],
] as const;

/** Configured files that do not exist (relative paths against `cwd`), one line each naming the key. */
export function missingFiles(config: MtlsPopConfig, cwd: string): string[] {
  const problems: string[] = [];
  for (const [key, env, read] of FILE_KEYS) {
    if (key.startsWith('tls.') && config.mode !== 'tls') continue;
    const value = read(config);
    if (value !== '' && !existsSync(resolve(cwd, value))) problems.push(`${key} (${env}): no such file ${resolve(cwd, value)}`);
  }
  for (const file of config.trust.crlFiles) {
    if (!existsSync(resolve(cwd, file))) problems.push(`trust.crlFiles (MTLS_POP_CRL_FILES): no such file ${resolve(cwd, file)}`);
  }
  return problems;
}
