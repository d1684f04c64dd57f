import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReadme, ROOT } from '../scripts/readme-build.js';

describe('README.md', () => {
  it('is built from docs/readme/ (run `npm run readme` after editing a section)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toBe(buildReadme());
  });

  it('opens with the two commands: install and run, and run every test', () => {
    const head = readFileSync(join(ROOT, 'README.md'), 'utf8').slice(0, 600);
    expect(head).toContain('npm install && npm start');
    expect(head).toContain('npm test');
  });

  it('links only to sections and files that exist', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const anchors = new Set([...text.matchAll(/^#{1,4} (.+)$/gm)].map((match) => slug(match[1]!)));
    for (const [, target] of text.matchAll(/\]\((#[^)]+)\)/g)) expect(anchors).toContain(target!.slice(1));
  });
});

/** GitHub's heading anchor: lower-case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}
