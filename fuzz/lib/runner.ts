import fc from 'fast-check';
import { PropertyViolation, clock, describeError, type AnyFuzzTarget } from './target.js';

export interface RunOptions {
  /** Inputs to generate. */
  runs: number;
  /** fast-check seed; fixed in the test slice, printed by the campaign so any run can be replayed. */
  seed: number;
  /** An input whose best of five timings is over this is a finding. */
  limitMs: number;
  /** Called every `progressEvery` inputs. */
  onProgress?: (done: number, elapsedMs: number) => void;
  progressEvery?: number;
}

export interface RunResult {
  target: string;
  runs: number;
  elapsedMs: number;
  /** Slowest input, best of up to five timings (inputs over 1 ms are re-timed, to discount GC pauses and other processes' load). */
  maxMs: number;
  /** Slowest single timing seen, before re-timing. */
  rawMaxMs: number;
  /** The input behind `maxMs`. */
  slowest: unknown;
  failure?: { input: unknown; error: string; seed: number; path: string | null };
}

const RETIME_OVER_MS = 1;
const ATTEMPTS = 5;
const WARM_UP_INPUTS = 50;

/**
 * Times the code under test in one check (see `timed`). An input over {@link RETIME_OVER_MS} is timed
 * up to {@link ATTEMPTS} times and the best counts: on a shared machine one timing can be a GC pause.
 */
async function timed(target: AnyFuzzTarget, input: unknown): Promise<{ first: number; best: number }> {
  let best = Infinity;
  let first = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    clock.spentMs = 0;
    const pending = target.check(input);
    if (pending) await pending;
    const elapsed = clock.spentMs;
    if (attempt === 0) first = elapsed;
    best = Math.min(best, elapsed);
    if (best <= RETIME_OVER_MS) break;
  }
  return { first, best };
}

function timedSync(target: AnyFuzzTarget, input: unknown): { first: number; best: number } {
  let best = Infinity;
  let first = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    clock.spentMs = 0;
    target.check(input);
    const elapsed = clock.spentMs;
    if (attempt === 0) first = elapsed;
    best = Math.min(best, elapsed);
    if (best <= RETIME_OVER_MS) break;
  }
  return { first, best };
}

/**
 * Runs one target: `runs` generated inputs, each checked for its properties and timed.
 * A failure is shrunk by fast-check to a small counterexample.
 */
export async function runTarget(target: AnyFuzzTarget, options: RunOptions): Promise<RunResult> {
  let done = 0;
  let maxMs = 0;
  let rawMaxMs = 0;
  let slowest: unknown;
  let shrinking = false;
  const every = options.progressEvery ?? 0;
  const started = performance.now();
  const account = (input: unknown, { first, best }: { first: number; best: number }): void => {
    if (!shrinking) {
      done++;
      rawMaxMs = Math.max(rawMaxMs, first);
      if (best > maxMs) [maxMs, slowest] = [best, input];
      if (every > 0 && done % every === 0) options.onProgress?.(done, performance.now() - started);
    }
    if (best > options.limitMs) throw new PropertyViolation(`one input took ${best.toFixed(1)} ms (best of five), over the ${options.limitMs} ms limit`);
  };
  const fail = (error: unknown): never => {
    shrinking = true;
    throw error;
  };
  // Warm-up: the first calls pay for JIT compilation and OpenSSL's lazy initialisation.
  for (const input of fc.sample(target.arbitrary, { numRuns: WARM_UP_INPUTS, seed: options.seed })) {
    try {
      await target.check(input);
    } catch {
      // A failing input is found again by the real run, with shrinking.
    }
  }
  const parameters = { numRuns: options.runs, seed: options.seed, endOnFailure: false };
  const details = target.async
    ? await fc.check(fc.asyncProperty(target.arbitrary, async (input) => {
      try {
        account(input, await timed(target, input));
      } catch (error) {
        fail(error);
      }
    }), parameters)
    : fc.check(fc.property(target.arbitrary, (input) => {
      try {
        account(input, timedSync(target, input));
      } catch (error) {
        fail(error);
      }
    }), parameters);
  const result: RunResult = { target: target.name, runs: done, elapsedMs: performance.now() - started, maxMs, rawMaxMs, slowest };
  if (details.failed) {
    result.failure = { input: details.counterexample?.[0], error: describeError(details.errorInstance), seed: details.seed, path: details.counterexamplePath };
  }
  return result;
}
