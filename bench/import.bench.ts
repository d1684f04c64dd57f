/**
 * Cold import time of each entry point as consumers get it (the compiled dist/, rebuilt first),
 * next to `import('jose')` + `import('express')` measured in the same run: the core entry
 * (`mtls-pop`) should cost at most about 1.5x that baseline. Each sample is a fresh `node`
 * process that times its own dynamic import (Node's start-up excluded); the cases are interleaved
 * and each row is the median of BENCH_IMPORT_RUNS samples (default 15).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const entry = (file: string): string => JSON.stringify(pathToFileURL(join(root, 'dist', file)).href);

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const cases: [string, string][] = [
  ["baseline: import('jose') + import('express')", "await import('jose'); await import('express');"],
  ["mtls-pop (core)", `await import(${entry('index.js')});`],
  ["mtls-pop (core) + import('express')", `await import(${entry('index.js')}); await import('express');`],
  ['mtls-pop/issuer', `await import(${entry('entry/issuer.js')});`],
  ['mtls-pop/pki', `await import(${entry('entry/pki.js')});`],
  ['mtls-pop/config', `await import(${entry('entry/config.js')});`],
  ['mtls-pop/server', `await import(${entry('entry/server.js')});`],
];

const samples = cases.map((): number[] => []);
for (let run = 0; run < runs; run++) {
  cases.forEach(([, body], index) => {
    const script = `const start = performance.now(); ${body} process.stdout.write(String(performance.now() - start));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`import case ${cases[index]![0]} failed: ${child.stderr}`);
    samples[index]!.push(Number(child.stdout));
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const base = median(samples[0]!);
console.log(`\n## cold import time (median of ${runs} fresh processes per row, interleaved)\n`);
console.log('| entry | ms | ratio to baseline |');
console.log('|---|---:|---:|');
cases.forEach(([name], index) => {
  const ms = median(samples[index]!);
  console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)}x |`);
});
