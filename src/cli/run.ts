import { ConfigError } from '../config/index.js';
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

Run 'mtls-pop <command> --help' for a command's options.
`;
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
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`mtls-pop: unknown command '${name}'; commands: ${COMMANDS.map((candidate) => candidate.name).join(', ')}\n`);
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
      for (const problem of error.problems) io.stderr(`mtls-pop ${name}: config: ${problem}\n`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    io.stderr(`mtls-pop ${name}: ${typeof code === 'string' && code.startsWith('ERR_') ? `${code}: ` : ''}${oneLine(error)}\n`);
    if (io.env.MTLS_POP_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}
