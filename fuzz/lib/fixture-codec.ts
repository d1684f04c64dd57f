import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where each counterexample is kept, one directory per target. */
export const FUZZ_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'fuzz');

/** A saved counterexample: the input and what it did when it was found. */
export interface FuzzFixture {
  target: string;
  input: unknown;
  /** The error or broken property when it was found. */
  found: string;
  /** How it was found (seed and fast-check path) or why it was written by hand. */
  origin: string;
}

/** JSON with byte arrays as `{ "$bytes": base64 }`; strings keep lone surrogates (JSON escapes them). */
export function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (value === undefined) return { $undefined: true };
  return value;
}

export function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object' && value !== null) {
    if ('$bytes' in value) return Buffer.from(String((value as { $bytes: string }).$bytes), 'base64');
    if ('$number' in value) return Number((value as { $number: string }).$number);
    if ('$undefined' in value) return undefined;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromJson(item)]));
  }
  return value;
}

/** Writes a counterexample to fixtures/fuzz/<target>/<sha256 prefix>.json and returns the path. */
export function saveFixture(fixture: FuzzFixture): string {
  const body = JSON.stringify({ ...fixture, input: toJson(fixture.input) }, null, 2) + '\n';
  const dir = join(FUZZ_FIXTURES, fixture.target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(JSON.stringify(toJson(fixture.input))).digest('hex').slice(0, 16)}.json`);
  writeFileSync(file, body);
  return file;
}

/** Every saved counterexample, with its file name. */
export function loadFixtures(): (FuzzFixture & { file: string })[] {
  if (!existsSync(FUZZ_FIXTURES)) return [];
  const out: (FuzzFixture & { file: string })[] = [];
  for (const entry of readdirSync(FUZZ_FIXTURES, { withFileTypes: true }).filter((item) => item.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const target = entry.name;
    const dir = join(FUZZ_FIXTURES, target);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FuzzFixture;
      out.push({ ...parsed, input: fromJson(parsed.input), file: `${target}/${file}` });
    }
  }
  return out;
}
