/**
 * `npm run fuzz [-- <filter>...] [--runs N] [--seed S] [--limit-ms M]`: the long campaign.
 * Runs every target (or those whose name contains a filter) one after the other, prints
 * inputs/s, the slowest input and the findings, saves each counterexample under fixtures/fuzz/
 * and exits non-zero when anything was found. Environment: FUZZ_RUNS, FUZZ_SEED, FUZZ_LIMIT_MS.
 */
import { saveFixture } from './lib/fixture-codec.js';
import { runTarget, type RunResult } from './lib/runner.js';
import { TARGETS } from './targets/index.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const text = at >= 0 ? process.argv[at + 1] : process.env[`FUZZ_${name.toUpperCase().replace('-', '_')}`];
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`--${name} must be a positive number, got ${text}`);
  return value;
}

const runs = option('runs', 1_000_000);
const seed = option('seed', Date.now() % 2 ** 31);
const limitMs = option('limit-ms', 50);
const CHUNK = 100_000;
const filters = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const selected = TARGETS.filter((target) => filters.length === 0 || filters.some((filter) => target.name.includes(filter)));
if (selected.length === 0) {
  console.error(`no target matches ${filters.join(', ')}; targets: ${TARGETS.map((target) => target.name).join(', ')}`);
  process.exit(2);
}

console.log(`fuzz campaign: ${selected.length} targets, ${runs} inputs each, seed ${seed}, limit ${limitMs} ms per input (best of five)`);
const results: RunResult[] = [];
for (const target of selected) {
  console.log(`\n${target.name}: ${target.description}`);
  // Chunks of CHUNK inputs, each with its own seed (seed + chunk number, printed on a finding):
  // one fast-check run of a million inputs holds more state than one process should.
  const result: RunResult = { target: target.name, runs: 0, elapsedMs: 0, maxMs: 0, rawMaxMs: 0, slowest: undefined };
  for (let chunk = 0; result.runs < runs && !result.failure; chunk++) {
    const part = await runTarget(target, { runs: Math.min(CHUNK, runs - result.runs), seed: seed + chunk, limitMs });
    result.elapsedMs += part.elapsedMs;
    result.runs += part.runs;
    result.rawMaxMs = Math.max(result.rawMaxMs, part.rawMaxMs);
    if (part.maxMs > result.maxMs) [result.maxMs, result.slowest] = [part.maxMs, part.slowest];
    if (part.failure) result.failure = part.failure;
    console.log(`  ${result.runs} inputs, ${Math.round(result.runs / (result.elapsedMs / 1000))}/s`);
  }
  results.push(result);
  const rate = Math.round(result.runs / (result.elapsedMs / 1000));
  console.log(`  done: ${result.runs} inputs in ${(result.elapsedMs / 1000).toFixed(1)} s (${rate}/s), slowest ${result.maxMs.toFixed(2)} ms (best of five; single worst ${result.rawMaxMs.toFixed(2)} ms)`);
  if (result.failure) {
    const file = saveFixture({ target: target.name, input: result.failure.input, found: result.failure.error, origin: `npm run fuzz, seed ${result.failure.seed}, path ${result.failure.path}` });
    console.log(`  FINDING: ${result.failure.error}\n  counterexample saved to ${file}`);
  }
}

console.log('\n| target | inputs | inputs/s | max ms per input | findings |\n|---|---:|---:|---:|---|');
for (const result of results) {
  console.log(`| ${result.target} | ${result.runs} | ${Math.round(result.runs / (result.elapsedMs / 1000))} | ${result.maxMs.toFixed(2)} | ${result.failure ? result.failure.error.replace(/\|/g, '\\|').slice(0, 120) : 'none'} |`);
}
process.exitCode = results.some((result) => result.failure) ? 1 : 0;
