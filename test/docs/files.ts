import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/readme-build.js';

/** README.md and every guide under docs/ (docs/readme/ holds the README's sources, built into README.md). */
export function documentationFiles(): string[] {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) =>
    entry.isDirectory() ? (entry.name === 'readme' ? [] : walk(join(dir, entry.name))) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []);
  return [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs'))];
}
