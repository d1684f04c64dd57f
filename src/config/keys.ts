import { schema } from './schema.js';

/** One leaf of the schema: its dotted key, environment variable, default and doc. */
export interface ConfigKey {
  key: string;
  env: string;
  default: unknown;
  doc: string;
  isList: boolean;
  isBoolean: boolean;
  isSecret: boolean;
}

function isLeaf(node: Record<string, unknown>): boolean {
  return 'default' in node && 'doc' in node;
}

function walk(node: Record<string, unknown>, prefix: string, out: ConfigKey[]): void {
  for (const [name, child] of Object.entries(node)) {
    const value = child as Record<string, unknown>;
    const key = prefix ? `${prefix}.${name}` : name;
    if (isLeaf(value)) {
      out.push({
        key,
        env: String(value.env),
        default: value.default,
        doc: String(value.doc),
        isList: Array.isArray(value.default),
        isBoolean: value.format === Boolean,
        isSecret: value.sensitive === true,
      });
    } else {
      walk(value, key, out);
    }
  }
}

/** Every key of the schema, in schema order (the README's option table comes from this list). */
export const CONFIG_KEYS: readonly ConfigKey[] = (() => {
  const out: ConfigKey[] = [];
  walk(schema as unknown as Record<string, unknown>, '', out);
  return Object.freeze(out);
})();

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
