import { closest } from '../lib/closest.js';
/** Caller misuse: unknown option keys, with a hint for the nearest known one. */

/** ` Did you mean x?` for the closest of `known`, or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const best = closest(name, known);
  return best !== undefined ? ` Did you mean ${best}?` : '';
}

/** Throws a TypeError naming each key of `options` that is not in `known`. */
export function assertKnownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option "${key}".${didYouMean(key, known)}`);
  }
}
