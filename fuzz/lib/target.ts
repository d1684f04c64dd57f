import type fc from 'fast-check';

/**
 * One fuzz target: an input generator and a check that throws when a property is broken.
 * The same module feeds the long campaign (`npm run fuzz`) and the short slice in `npm test`.
 */
export interface FuzzTarget<T> {
  /** Stable name: the fixtures directory and the campaign's filter. */
  readonly name: string;
  /** What is fuzzed, one line, for the report. */
  readonly description: string;
  /** The input generator (structure-aware mutation of real samples mixed with random data). */
  readonly arbitrary: fc.Arbitrary<T>;
  /** Throws a {@link PropertyViolation} (or the unexpected error itself) when the input breaks a property. */
  check(input: T): void | Promise<void>;
  /** Whether `check` returns a promise. */
  readonly async?: boolean;
  /** Runs of the deterministic slice in `npm test`. */
  readonly sliceRuns: number;
}

/** A property broken by an input: unexpected error class or code, wrong answer, or too slow. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

/** The type-erased target, as lists and runners hold it. */
export type AnyFuzzTarget = FuzzTarget<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Runs `operation` and hands back what it threw; an error `isExpected` refuses is rethrown as is,
 * so the runner reports it with its original stack.
 */
export function expectOnly(operation: () => unknown, isExpected: (error: unknown) => boolean): unknown {
  try {
    operation();
    return undefined;
  } catch (error) {
    if (!isExpected(error)) throw error;
    return error;
  }
}

/** Names an error for a report line: class, code, message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error thrown: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}

/** Time spent inside {@link timed} calls during the current check: the code under test, not the property's own work. */
export const clock = { spentMs: 0 };

/** Runs the code under test and adds its duration to {@link clock}. */
export function timed<T>(operation: () => T): T {
  const start = performance.now();
  try {
    return operation();
  } finally {
    clock.spentMs += performance.now() - start;
  }
}

/** {@link timed} for a promise-returning operation; the time runs until it settles. */
export async function timedAsync<T>(operation: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await operation();
  } finally {
    clock.spentMs += performance.now() - start;
  }
}
