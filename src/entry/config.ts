// mtls-pop/config: the configuration of the runnable product (convict schema, loader, redaction).
// This file only re-exports.
export {
  loadConfig,
  ConfigError,
  redactConfig,
  CONFIG_KEYS,
  type LoadConfigOptions,
  type MtlsPopConfig,
  type ConfigErrorCode,
  type ConfigKey,
} from '../config/index.js';
