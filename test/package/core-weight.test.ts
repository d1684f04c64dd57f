/**
 * The core entry (`mtls-pop`, src/index.ts) is what a user who only mounts clientCertificate()
 * or requireCertificateBoundToken() loads. It must not load the PKI stack, the server, Redis,
 * configuration or metrics code, nor install a global polyfill. This walks the static runtime
 * imports (type-only imports are erased by the compiler and do not count) from src/index.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const FORBIDDEN_PACKAGES = ['@peculiar/x509', 'reflect-metadata', 'tsyringe', 'pkijs', 'asn1js', 'prom-client', 'ioredis', 'convict', 'helmet', 'express', 'oidc-provider', 'express-oauth2-jwt-bearer'];
const FORBIDDEN_FOLDERS = ['src/pki/', 'src/issuer/', 'src/server/', 'src/config/', 'src/cli/', 'src/adapters/', 'src/templates/'];

/** Runtime module specifiers of one TypeScript file: import/export ... from, bare imports and import(). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/gms;
  for (const match of source.matchAll(statement)) {
    if (match[2]) continue;
    const clause = match[3]!.trim();
    // `import { type A, type B } from` is erased too; `import {} from` is not written here.
    const named = /^\{([^}]*)\}$/.exec(clause);
    if (named && named[1]!.split(',').map((part) => part.trim()).filter(Boolean).every((part) => part.startsWith('type '))) continue;
    found.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(match[1]!);
  return found;
}

function graph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, relative(ROOT, file));
      }
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the core entry point (mtls-pop)', () => {
  const { files, packages } = graph(join(ROOT, 'src', 'index.ts'));

  it.each(FORBIDDEN_PACKAGES)('does not load %s', (name) => {
    expect({ name, importedBy: packages.get(name) }).toEqual({ name, importedBy: undefined });
  });

  it('loads no PKI, issuer, server, configuration, CLI, adapter or template module', () => {
    const heavy = [...files].map((file) => relative(ROOT, file)).filter((file) => FORBIDDEN_FOLDERS.some((folder) => file.startsWith(folder)));
    expect(heavy).toEqual([]);
  });

  it('still reaches what it exports: the middleware, the formats and the resource check', () => {
    const reached = [...files].map((file) => relative(ROOT, file));
    expect(reached).toEqual(expect.arrayContaining(['src/proxy/middleware.ts', 'src/forwarded/index.ts', 'src/resource/middleware.ts', 'src/certificate/model.ts']));
    expect([...packages.keys()].sort()).toEqual(['jose', 'lru-cache', 'pino', 'proxy-addr']);
  });
});

describe('runtimeImports(source)', () => {
  it('skips type-only imports and keeps value imports', () => {
    expect(runtimeImports("import type { A } from 'a';\nimport { type B, type C } from 'b';\nimport { D } from 'd';\nimport 'e';\nexport { F } from 'f';\nexport type { G } from 'g';")).toEqual(['d', 'f', 'e']);
  });
});
