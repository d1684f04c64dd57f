import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/index.js';
import { closest } from '../lib/closest.js';
import { UsageError } from './args.js';
import { configCommand } from './config-command.js';
import { doctorCommand } from './doctor-command.js';
import { echoCommand } from './echo-command.js';
import type { Command, CommandIo } from './io.js';
import { processIo } from './io.js';
import { inspectCommand } from './inspect-command.js';
import { keysCommand } from './keys-command.js';
import { pkiCommand } from './pki-command.js';
import { renderCommand } from './render-command.js';
import { serveCommand } from './serve-command.js';
import { tokenCommand } from './token-command.js';

export const COMMANDS: readonly Command[] = [serveCommand, pkiCommand, keysCommand, inspectCommand, tokenCommand, renderCommand, configCommand, doctorCommand, echoCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: mtls-pop <command> [options]

OAuth 2.0 mutual-TLS client authentication and certificate-bound tokens (RFC 8705).

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run 'mtls-pop <command> --help' for a command's options, 'mtls-pop --version' for the version.
`;
}

/** The package's version, read from its package.json (two folders up from src/cli and dist/cli alike). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(manifest.version);
}

/** The first line of an error's message, so no stack or multi-line dump reaches the terminal. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'error');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`mtls-pop ${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const names = COMMANDS.map((candidate) => candidate.name);
    const best = name.startsWith('-') ? undefined : closest(name, names);
    io.stderr(`mtls-pop: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}'${best === undefined ? '' : `; did you mean '${best}'?`}; commands: ${names.join(', ')}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mtls-pop ${name}: ${oneLine(error)} (see 'mtls-pop ${name} --help')\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      // `mtls-pop config: ...` already says where the problem is; other commands add `config:`.
      const prefix = name === 'config' ? `mtls-pop ${name}: ` : `mtls-pop ${name}: config: `;
      for (const problem of error.problems) io.stderr(`${prefix}${problem}\n`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    io.stderr(`mtls-pop ${name}: ${typeof code === 'string' && code.startsWith('ERR_') ? `${code}: ` : ''}${oneLine(error)}\n`);
    if (io.env.MTLS_POP_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}
