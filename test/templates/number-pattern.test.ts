import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { greaterThanPattern } from '../../src/templates/number-pattern.js';

describe('greaterThanPattern(limit)', () => {
  it.each([0, 9, 10, 65536, 1048576, 99999, 100000])('matches exactly the integers above %d', (limit) => {
    const pattern = new RegExp(greaterThanPattern(limit));
    for (let delta = -1200; delta <= 1200; delta++) {
      const value = limit + delta;
      if (value >= 0) expect([value, pattern.test(String(value))]).toEqual([value, value > limit]);
    }
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (value) => pattern.test(String(value)) === value > limit));
  });

  it('never matches a sign, a leading zero, a space or an empty value', () => {
    const pattern = new RegExp(greaterThanPattern(65536));
    for (const value of ['', '-70000', '+70000', '070000', ' 70000', '70000 ', '7e5', '70000x']) expect(pattern.test(value)).toBe(false);
  });

  it('refuses a limit that is not a non-negative safe integer', () => {
    for (const limit of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => greaterThanPattern(limit)).toThrow(TypeError);
  });
});
