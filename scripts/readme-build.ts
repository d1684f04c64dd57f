/**
 * README.md is built from the sections in docs/readme/, in the order below: what it is, the
 * recipe, the guides. Each part's own documentation is a guide in docs/ (docs/<part>.md), next
 * to the tests that check its tables against the code; the README links to them.
 * `npm run readme` writes it; test/readme.test.ts fails when README.md and the sections differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README_SECTIONS = ['intro', 'recipe', 'guides'] as const;

export const ROOT = join(import.meta.dirname, '..');

/** The README text from the sections. */
export function buildReadme(): string {
  const parts = README_SECTIONS.map((name) => readFileSync(join(ROOT, 'docs', 'readme', `${name}.md`), 'utf8').trim());
  return `${parts.join('\n\n')}\n`;
}
