import { loadFixtures } from '../../fuzz/lib/fixture-codec.js';
import { TARGETS } from '../../fuzz/targets/index.js';
import { distinguishedNamesEqual, formatDistinguishedName, parseDistinguishedName } from '../../src/certificate/distinguished-name.js';

// Every counterexample the fuzzer found (fixtures/fuzz/<target>/*.json) is replayed through its
// target's properties: each one was a crash or a broken property, and must stay fixed.
const fixtures = loadFixtures();

describe('fuzz regressions (fixtures/fuzz)', () => {
  it('has a fixture for each finding fixed so far', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });

  it.each(fixtures.map((fixture) => [fixture.file, fixture] as const))('%s keeps its target\'s properties', async (_file, fixture) => {
    const target = TARGETS.find((candidate) => candidate.name === fixture.target);
    expect(target).toBeDefined();
    await target!.check(fixture.input);
  });
});

// Findings of the fuzzer in src/certificate/distinguished-name.ts, kept as regressions.
describe('fuzz findings in distinguished-name.ts', () => {
  const roundTrips = (value: string) => {
    const rdns = [[{ type: '2.5.4.3', value }]];
    return distinguishedNamesEqual(parseDistinguishedName(formatDistinguishedName(rdns)), rdns);
  };
  it('an astral character (U+10000, U+1F600) survives format + parse (found by fuzzing, fixed by its owner)', () => {
    expect([roundTrips('\u{10000}'), roundTrips('a\u{1f600}b')]).toEqual([true, true]);
  });
  it('a text value that looks like #hex survives format + parse', () => {
    expect(roundTrips('#0c0161')).toBe(true);
  });
  it('a text value "#\\\\ " (hash, backslash, space) survives format + parse', () => {
    expect(roundTrips('#\\ ')).toBe(true);
  });
});
