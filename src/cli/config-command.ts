import { resolve } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig, missingFiles, redactConfig, type MtlsPopConfig } from '../config/index.js';
import { serveOptionProblems } from '../server/app-options.js';
import { parse, stringOption, UsageError, type Parsed } from './args.js';
import type { Command, CommandIo } from './io.js';

const HELP = `Usage: mtls-pop config check|print [--config FILE] [--behind-proxy] [--schema]

  check            validate the configuration (defaults < --config FILE < MTLS_POP_* variables)
                   and say what 'serve' would do with it; exit 1 with one line per problem
  print            print the effective configuration as JSON, secrets redacted
  print --schema   list every key with its environment variable, default and meaning

Options:
  --config FILE    JSON configuration file
  --behind-proxy   as 'serve --behind-proxy' (mode behind-proxy)
  -h, --help       this help
`;

/** The configuration a command runs with: defaults, `--config`, environment, then flags. */
export function configFromArgs(parsed: Parsed, io: CommandIo, overrides: Record<string, unknown> = {}): MtlsPopConfig {
  const file = stringOption(parsed, 'config');
  const all = { ...overrides };
  if (parsed.values['behind-proxy'] === true) all.mode = 'behind-proxy';
  return loadConfig({ file: file === undefined ? undefined : resolve(io.cwd, file), env: io.env, overrides: all });
}

function describe(config: MtlsPopConfig): string {
  const where = `${config.listen.host}:${config.listen.port === 0 ? '<any free port>' : config.listen.port}`;
  if (config.mode === 'tls') {
    return `mode tls: HTTPS with client certificates on ${where}; issuer ${config.issuer.url || `https://localhost:${config.listen.port}`}`;
  }
  return `mode behind-proxy: plain HTTP on ${where}; certificate from '${config.proxy.header}' (${config.proxy.format}) sent by ${config.proxy.trustedProxies.join(', ')}; issuer ${config.issuer.url}`;
}

export const configCommand: Command = {
  name: 'config',
  summary: 'check or print the configuration',
  help: HELP,
  async run(argv, io) {
    const parsed = parse(argv, { config: { type: 'string' }, 'behind-proxy': { type: 'boolean' }, schema: { type: 'boolean' } }, 1);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const action = parsed.positionals[0];
    if (action === undefined) throw new UsageError("expected 'check' or 'print'");
    if (action !== 'check' && action !== 'print') throw new UsageError(`unknown action '${action}'; expected 'check' or 'print'`);
    if (parsed.values.schema === true) {
      if (action !== 'print') throw new UsageError('--schema goes with print');
      for (const key of CONFIG_KEYS) {
        io.stdout(`${key.key}\t${key.env}\t${JSON.stringify(key.default)}\t${key.doc}\n`);
      }
      return 0;
    }
    const config = configFromArgs(parsed, io);
    if (action === 'check') {
      // Exactly the checks `serve` runs before it listens (startServer), so OK here means serve starts.
      const problems = [...missingFiles(config, io.cwd), ...serveOptionProblems(config)];
      if (problems.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', problems);
      io.stdout(`configuration OK: ${describe(config)}\n`);
      return 0;
    }
    io.stdout(JSON.stringify(redactConfig(config), null, 2) + '\n');
    return 0;
  },
};
