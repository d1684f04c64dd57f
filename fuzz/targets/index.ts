import type { AnyFuzzTarget } from '../lib/target.js';
import { bearerTarget } from './bearer.js';
import { derFieldsTarget, derTarget } from './der.js';
import { distinguishedNameTarget } from './distinguished-name.js';
import { FORWARDED_TARGET_FORMATS, forwardedTarget } from './forwarded.js';
import { pemTarget, percentTarget, structuredFieldTarget, xfccTarget } from './parsers.js';
import { roundTripTarget } from './round-trip.js';

/** Every fuzz target, in campaign order. */
export const TARGETS: readonly AnyFuzzTarget[] = [
  derTarget,
  derFieldsTarget,
  ...FORWARDED_TARGET_FORMATS.map(forwardedTarget),
  roundTripTarget,
  xfccTarget,
  structuredFieldTarget,
  percentTarget,
  pemTarget,
  distinguishedNameTarget,
  bearerTarget,
];
