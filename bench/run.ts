/**
 * npm run bench: runs every bench/*.bench.ts in turn, each in its own process, so that one
 * part's JIT state and caches do not colour another's. Each prints its own tables, with ratios
 * against a baseline measured in the same run. `npm run bench -- issuer` runs the matching files only.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const filter = process.argv.slice(2);
const files = readdirSync(dir).filter((file) => file.endsWith('.bench.ts')).filter((file) => filter.length === 0 || filter.some((f) => file.includes(f))).sort();
console.log(`# mtls-pop benchmarks (${new Date().toISOString()}, node ${process.version}, ${(await import('node:os')).cpus().length} cores)`);
let failed = false;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${file} failed with exit code ${result.status}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
