/** YAML for tests that read rendered manifests: js-yaml's safe loader (no custom types, no code). */
import { createRequire } from 'node:module';

const jsYaml = createRequire(import.meta.url)('js-yaml') as { safeLoadAll(text: string): unknown[] };

/** Every document of a YAML stream, empty ones left out; throws on a syntax error or a duplicate key. */
export function loadYamlDocuments(text: string): Record<string, unknown>[] {
  return jsYaml.safeLoadAll(text).filter((document): document is Record<string, unknown> => document !== null && document !== undefined);
}
