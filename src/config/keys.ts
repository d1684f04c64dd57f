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

