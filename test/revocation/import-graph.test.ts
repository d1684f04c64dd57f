import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SRC = join(import.meta.dirname, '..', '..', 'src');
// The core: what a resource server or a proxy-facing app loads. pkijs must not be in its static graph.
const CORE = ['certificate/model.ts', 'forwarded/index.ts', 'proxy/middleware.ts', 'resource/index.ts', 'revocation/index.ts', 'issuer/client-auth.ts'];

/** Static runtime imports of a file (type-only imports and dynamic import() are left out). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

function graph(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) walk(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else seen.add(`package:${specifier}`);
    }
  };
  walk(join(SRC, entry));
  return seen;
}

describe('the core import graph', () => {
  it.each(CORE)('of %s does not load pkijs (CRL and OCSP parsing load it lazily)', (entry) => {
    expect([...graph(entry)].filter((item) => item.startsWith('package:pkijs'))).toEqual([]);
  });
});
