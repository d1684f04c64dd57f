import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildReadme, ROOT } from '../scripts/readme-build.js';
import { documentationFiles } from './docs/files.js';

describe('README.md', () => {
  it('is built from docs/readme/ (run `npm run readme` after editing a section)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toBe(buildReadme());
  });

  it('opens with the two commands: install and run, and run every test', () => {
    const head = readFileSync(join(ROOT, 'README.md'), 'utf8').slice(0, 600);
    expect(head).toContain('npm install && npm start');
    expect(head).toContain('npm test');
  });

  it('stays a ten-minute read: the details live in docs/', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThan(260);
  });
});

describe.each(documentationFiles().map((file) => [relative(ROOT, file), file]))('%s', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const links = [...withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));

  it('links only to files that exist and to headings that exist', () => {
    const broken = links.filter((target) => {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const linked = path === '' ? file : join(dirname(file), path);
      if (!existsSync(linked)) return true;
      if (anchor === undefined || !linked.endsWith('.md')) return false;
      return !headingAnchors(readFileSync(linked, 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

/** The text outside fenced code blocks. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to dashes. */
function headingAnchors(text: string): Set<string> {
  return new Set([...withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}
