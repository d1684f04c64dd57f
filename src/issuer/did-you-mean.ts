import { closest } from '../lib/closest.js';

/** `; did you mean "x"?` for the closest known name, or the list of known names. */
export function didYouMean(name: string, known: readonly string[]): string {
  const best = closest(name, known);
  return best !== undefined ? `; did you mean "${best}"?` : `; known: ${known.join(', ')}`;
}

/** Throws a TypeError naming the first key of `object` that is not in `known`. */
export function rejectUnknownKeys(object: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option "${key}"${didYouMean(key, known)}`);
  }
}
