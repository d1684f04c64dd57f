import fc from 'fast-check';
import { CertificateHeaderError } from '../../src/certificate/errors.js';
import { FORWARDED_FORMATS, parseForwardedCertificate } from '../../src/forwarded/index.js';
import { readHeader } from './helpers.js';

/** The error code `run` throws; anything but a CertificateHeaderError fails the test. */
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof CertificateHeaderError)) throw error;
    return error.code;
  }
};

// How long each refusal takes is measured in bench/forwarded.bench.ts (timing is not asserted here).
describe('hostile values: typed errors only', () => {
  it.each(FORWARDED_FORMATS)('%s throws nothing but CertificateHeaderError on random and mutated input', (format) => {
    const seeds = ['nginx/client-rsa.txt', 'apache/client-ec.txt', 'rfc9440/client-ec.txt', 'xfcc/client-ec-chain.txt', 'base64-der/client-ec-chain.txt'].map(readHeader);
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.string({ maxLength: 4 }), fc.nat({ max: 8 }))
      .map(([seed, at, insert, cut]) => seed.slice(0, at % seed.length) + insert + seed.slice((at % seed.length) + cut));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), mutated), (value) => {
      try {
        parseForwardedCertificate(value, format);
      } catch (error) {
        if (!(error instanceof CertificateHeaderError)) throw error;
      }
    }), { numRuns: 300 });
  });

  // Pathological shapes at the cap: each is refused with a typed error (bench: the time it takes).
  const cap = 16384;
  const shapes: [string, string][] = [
    ['percent signs', '%'.repeat(cap)],
    ['escapes of nothing useful', '%41'.repeat(cap / 3)],
    ['quotes and backslashes (xfcc)', `Cert="${'\\"'.repeat(cap / 2 - 4)}`],
    ['many xfcc elements', 'By=a,'.repeat(cap / 5 - 1) + 'By=a'],
    ['many sf-list members', ':AAAA:,'.repeat(cap / 7 - 1) + ':AAAA:'],
    ['many base64 chain elements', 'AAAA,'.repeat(cap / 5 - 1) + 'AAAA'],
    ['many BEGIN lines', '-----BEGIN CERTIFICATE-----'.repeat(Math.floor(cap / 27))],
    ['spaces inside PEM', `-----BEGIN CERTIFICATE-----${' '.repeat(cap - 60)}-----END CERTIFICATE-----`],
    ['colons', ':'.repeat(cap)],
  ];
  it.each(shapes)('%s at the cap is refused with a typed error by every format', (_name, value) => {
    expect(value.length).toBeLessThanOrEqual(cap);
    for (const format of FORWARDED_FORMATS) expect(codeOf(() => parseForwardedCertificate(value, format))).toMatch(/^ERR_CERT_/);
  });

  it('a 10 MB value is refused as too large before any decoding (the code says so)', () => {
    // A real nginx value repeated: decoding it would be megabytes of percent-decoding and base64.
    const sample = readHeader('nginx/client-rsa.txt');
    const value = sample.repeat(Math.ceil((10 * 1024 * 1024) / sample.length));
    for (const format of FORWARDED_FORMATS) {
      expect(codeOf(() => parseForwardedCertificate(value, format))).toBe('ERR_CERT_HEADER_TOO_LARGE');
    }
  });
});
