/** npm run readme: rebuilds README.md from docs/readme/ (see scripts/readme-build.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReadme, ROOT } from './readme-build.js';

writeFileSync(join(ROOT, 'README.md'), buildReadme());
console.log('README.md rebuilt from docs/readme/');
