/** Why a configuration was refused. Each problem names the key (and its source) it is about. */
export type ConfigErrorCode = 'ERR_CONFIG_FILE' | 'ERR_CONFIG_INVALID';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  /** One line per problem, each starting with the key, e.g. `listen.port (MTLS_POP_PORT): ...`. */
  readonly problems: readonly string[];

  constructor(code: ConfigErrorCode, problems: readonly string[]) {
    super(problems.join('; '));
    this.code = code;
    this.problems = problems;
  }
}
