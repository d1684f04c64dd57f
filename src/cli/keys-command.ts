import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeyStore, SIGNING_ALGORITHMS, type KeyDescription } from '../issuer/index.js';
import { keyFilePath } from '../server/state.js';
import { closest } from '../lib/closest.js';
import { choice, integerOption, parse, stringOption, UsageError } from './args.js';
import { configFromArgs } from './config-command.js';
import type { Command } from './io.js';

/** Default of `--activate-after`: several times the key file poll of a watching `serve` (2 s). */
export const DEFAULT_ACTIVATE_AFTER_SECONDS = 10;

const HELP = `Usage: mtls-pop keys init|list|rotate [--config FILE] [options]

  init      create the key file with one new signing key (private key, mode 0600); refuses to
            touch a key file that exists. 'serve' creates it on first start too: init is for
            deployments that provision the file before the first instance starts
  list      the signing keys in the key file: kid, algorithm, status (active, next, retiring,
            retired) and schedule; never any private material
  rotate    add a new signing key to the key file (written atomically, in place). Every 'serve'
            sharing the file publishes it within seconds and signs with it after --activate-after;
            the current key signs until then and stays published for issuer.keyRetention seconds
            more, so the tokens it signed verify until they expire. Prints the new kid and when
            the old key retires.

The key file is issuer.keyFile, else signing-keys.json in the state folder (as 'serve' uses it).

Options:
  --config FILE             JSON configuration (see 'mtls-pop config print --schema')
  --behind-proxy            as 'serve --behind-proxy' (mode behind-proxy)
  --activate-after SECONDS  rotate: seconds between publishing the new key and signing with it
                            (default ${DEFAULT_ACTIVATE_AFTER_SECONDS}; 0 signs at once, which instances that have not
                            reloaded yet would refuse)
  --algorithm ALG           init, rotate: ${SIGNING_ALGORITHMS.join(', ')} (default issuer.signingAlgorithm)
  --json                    list: print JSON
  -h, --help                this help
`;

const time = (seconds: number | undefined): string => (seconds === undefined ? '-' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));

function table(keys: readonly KeyDescription[]): string {
  const rows = [['KID', 'ALG', 'STATUS', 'SIGNS FROM', 'RETIRED AT', 'PUBLISHED UNTIL'],
    ...keys.map((key) => [key.kid, key.alg, key.status, time(key.activatesAt), time(key.retiredAt), time(key.publishedUntil)])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'create, list or rotate the signing keys in the shared key file',
  help: HELP,
  async run(argv, io) {
    const parsed = parse(argv, {
      config: { type: 'string' }, 'behind-proxy': { type: 'boolean' }, 'activate-after': { type: 'string' }, algorithm: { type: 'string' }, json: { type: 'boolean' },
    }, 1);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const action = parsed.positionals[0];
    if (action === undefined) throw new UsageError("expected 'init', 'list' or 'rotate'");
    if (action !== 'init' && action !== 'list' && action !== 'rotate') {
      const best = closest(action, ['init', 'list', 'rotate']);
      throw new UsageError(`unknown action '${action}'${best === undefined ? '' : `; did you mean '${best}'?`}; expected 'init', 'list' or 'rotate'`);
    }
    if (action === 'list' && (parsed.values['activate-after'] !== undefined || parsed.values.algorithm !== undefined)) {
      throw new UsageError('--activate-after and --algorithm go with rotate');
    }
    if (action === 'init' && parsed.values['activate-after'] !== undefined) throw new UsageError('--activate-after goes with rotate');
    if (action !== 'list' && parsed.values.json !== undefined) throw new UsageError('--json goes with list');
    const activateAfterSeconds = integerOption(parsed, 'activate-after', 0, 86_400) ?? DEFAULT_ACTIVATE_AFTER_SECONDS;
    const algorithm = choice(stringOption(parsed, 'algorithm'), SIGNING_ALGORITHMS, '--algorithm');

    const config = configFromArgs(parsed, io);
    const file = keyFilePath(config, io.cwd);
    if (action === 'init') {
      if (existsSync(file)) throw new Error(`a key file exists at ${file}; it was left as it is ('mtls-pop keys rotate' adds a key to it)`);
      // The state folder holds private keys: created 0700, like 'pki init' does.
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const created = await KeyStore.generate({ file, algorithm: algorithm ?? config.issuer.signingAlgorithm, retainSeconds: config.issuer.keyRetention });
      const key = created.active;
      io.stdout(`created ${file} (mode 0600) with signing key ${key.kid} (${key.alg}); 'mtls-pop serve' signs with it\n`);
      return 0;
    }
    if (!existsSync(file)) throw new Error(`no key file at ${file}: create it with 'mtls-pop keys init' ('mtls-pop serve' also creates it on first start), or set issuer.keyFile`);
    const keys = await KeyStore.fromFile(file, { retainSeconds: config.issuer.keyRetention, algorithm: config.issuer.signingAlgorithm });

    if (action === 'list') {
      const described = keys.describeKeys();
      io.stdout(parsed.values.json === true ? JSON.stringify({ file, keys: described }, null, 2) + '\n' : `${file}\n${table(described)}`);
      return 0;
    }
    const previous = keys.active.kid;
    const fresh = await keys.rotate({ algorithm: algorithm ?? config.issuer.signingAlgorithm, activateAfterSeconds });
    const described = keys.describeKeys();
    const next = described.find((key) => key.kid === fresh.kid)!;
    const old = described.find((key) => key.kid === previous)!;
    const switchAt = next.activatesAt === undefined ? 'now' : `${time(next.activatesAt)} (in ${activateAfterSeconds} s)`;
    io.stdout(`rotated the signing keys in ${file}
new key ${fresh.kid} (${fresh.alg}): published now, signs from ${switchAt}
old key ${previous} (${old.alg}): signs until ${old.retiredAt === undefined ? 'now' : time(old.retiredAt)}, retires then and stays published until ${time(old.publishedUntil)} (issuer.keyRetention ${keys.retainSeconds} s)
`);
    return 0;
  },
};
