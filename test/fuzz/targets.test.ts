import { runTarget } from '../../fuzz/lib/runner.js';
import { TARGETS } from '../../fuzz/targets/index.js';

// The deterministic slice of `npm run fuzz`: the same targets and properties, a fixed seed,
// a few thousand inputs each. A generous time limit: jest shares the machine with other workers.
const SEED = 20260524;
const LIMIT_MS = 250;

describe('fuzz targets (fixed seed)', () => {
  it.each(TARGETS.map((target) => [target.name, target] as const))('%s keeps its properties', async (_name, target) => {
    const result = await runTarget(target, { runs: target.sliceRuns, seed: SEED, limitMs: LIMIT_MS });
    expect(result.failure).toBeUndefined();
    expect(result.runs).toBe(target.sliceRuns);
  });
});
