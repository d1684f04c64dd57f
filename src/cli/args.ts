import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../lib/closest.js';

/** Wrong arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_USAGE';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** node:util parseArgs in strict mode, with `--help`/`-h` added and its errors turned into a `UsageError`. */
export function parse(argv: readonly string[], options: Options, maxPositionals: number): Parsed {
  let result;
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    result = parseArgs({ args: [...argv], options: all, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }, Object.keys(all)));
  }
  const help = result.values.help === true;
  if (!help && result.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${result.positionals[maxPositionals]!.slice(0, 40)}'`);
  }
  return { values: result.values as Parsed['values'], positionals: result.positionals, help };
}

/**
 * One line for a parseArgs error: a "did you mean" for a misspelled option, and for a value that
 * starts with a dash (a PEM's `-----BEGIN`, a negative number) the `--name=VALUE` form that takes it.
 */
function usageMessage(error: Error & { code?: string }, known: readonly string[]): string {
  const message = String(error.message);
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const best = unknown[1] === '--' ? closest(unknown[2]!, known) : undefined;
    return `Unknown option '${unknown[1]}${unknown[2]}'${best === undefined ? '' : `; did you mean '--${best}'?`}`;
  }
  const ambiguous = /^Option '(--[^' ]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value, and the next argument starts with '-': write ${ambiguous[1]}=VALUE to pass a value that starts with a dash`;
  // Other parseArgs messages are one sentence; keep only the first line.
  return message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(parsed: Parsed, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function requiredOption(parsed: Parsed, name: string): string {
  const value = stringOption(parsed, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A value from a fixed list, or a UsageError listing the choices. */
export function choice<T extends string>(value: string | undefined, choices: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${what} must be one of ${choices.join(', ')}; got '${value}'`);
  return value as T;
}

export function integerOption(parsed: Parsed, name: string, min: number, max: number): number | undefined {
  const value = stringOption(parsed, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}; got '${value}'`);
  }
  return Number(value);
}
