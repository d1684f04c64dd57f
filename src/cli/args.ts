import { parseArgs, type ParseArgsConfig } from 'node:util';

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
  try {
    result = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs messages are one sentence; keep only the first line.
    throw new UsageError(String((error as Error).message).split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const help = result.values.help === true;
  if (!help && result.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${result.positionals[maxPositionals]!.slice(0, 40)}'`);
  }
  return { values: result.values as Parsed['values'], positionals: result.positionals, help };
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
