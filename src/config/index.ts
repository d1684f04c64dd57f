export { loadConfig, type LoadConfigOptions } from './load.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export { redactConfig, redactUrl } from './redact.js';
export { CONFIG_KEYS, type ConfigKey } from './keys.js';
export { schema, MODES, type Mode } from './schema.js';
export type { MtlsPopConfig } from './types.js';
export { missingFiles } from './files.js';
