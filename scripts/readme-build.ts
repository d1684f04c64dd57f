/**
 * README.md is built from the sections in docs/readme/, in the order below, so that each part's
 * documentation sits next to the tests that check its tables against the code.
 * `npm run readme` writes it; test/readme.test.ts fails when README.md and the sections differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README_SECTIONS = [
  'intro',
  'product',
  'templates',
  'forwarded',
  'proxy',
  'presets',
  'issuer',
  'resource',
  'adapters',
  'security',
  'hardening',
  'fuzz',
  'benchmarks',
  'layout',
] as const;

export const ROOT = join(import.meta.dirname, '..');

/** The README text from the sections. */
export function buildReadme(): string {
  const parts = README_SECTIONS.map((name) => readFileSync(join(ROOT, 'docs', 'readme', `${name}.md`), 'utf8').trim());
  return `${parts.join('\n\n')}\n`;
}
