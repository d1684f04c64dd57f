import fc from 'fast-check';
import { parseForwardedCertificate, type ForwardedFormat } from '../../src/forwarded/index.js';
import { thumbprint } from '../../src/certificate/thumbprint.js';
import { encodeForwarded, type EncodedFormat, type EncodeKnobs } from '../lib/encode.js';
import { certificateDer, certificateNames } from '../lib/samples.js';
import { PropertyViolation, describeError, timed, type FuzzTarget } from '../lib/target.js';

export interface RoundTripInput {
  leaf: string;
  chain: string[];
  format: EncodedFormat;
  decodeAs: 'declared' | 'auto';
  knobs: EncodeKnobs;
}

const NAMES = certificateNames();
const DER = new Map(NAMES.map((name) => [name, certificateDer(name)]));
// Formats whose chain travels inside the value: `auto` finds it there too.
const INLINE_CHAIN: readonly EncodedFormat[] = ['aws-alb', 'base64-der', 'xfcc'];

const earlierElement = fc.oneof(
  fc.constantFrom(...NAMES).map((name) => `By=spiffe://forged;Cert="${encodeURIComponent(DER.get(name)!.toString('base64'))}"`),
  fc.constantFrom('By=a', 'Hash=00;Subject="CN=a,O=\\"b\\""', 'URI=spiffe://x;DNS=y', 'Cert="-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A"'),
);

const arbitrary: fc.Arbitrary<RoundTripInput> = fc.record({
  leaf: fc.constantFrom(...NAMES),
  chain: fc.array(fc.constantFrom(...NAMES), { maxLength: 3 }),
  format: fc.constantFrom<EncodedFormat>('nginx', 'apache', 'apache-escaped', 'base64-der', 'rfc9440', 'xfcc', 'aws-alb'),
  decodeAs: fc.constantFrom<'declared' | 'auto'>('declared', 'auto'),
  knobs: fc.record({
    width: fc.constantFrom(64, 76, 0),
    lowerCase: fc.boolean(),
    spaces: fc.boolean(),
    xfccEarlier: fc.array(earlierElement, { maxLength: 3 }),
  }),
});

/** A fixture certificate encoded the way each proxy writes it decodes to the same thumbprint and chain. */
export function checkRoundTrip(input: RoundTripInput): void {
  const leaf = DER.get(input.leaf)!;
  const chain = input.chain.map((name) => DER.get(name)!);
  const format: ForwardedFormat = input.decodeAs === 'auto' && (chain.length === 0 || INLINE_CHAIN.includes(input.format)) ? 'auto' : input.format;
  // HTTP parsers strip the spaces around a field value, so `auto` never sees them.
  // AWS documents upper-case escapes; with lower-case ones `auto` reads the value as apache-escaped (one certificate).
  const knobs = format === 'auto' ? { ...input.knobs, spaces: false, lowerCase: input.format === 'aws-alb' ? false : input.knobs.lowerCase } : input.knobs;
  const encoded = encodeForwarded(input.format, leaf, chain, knobs);
  let decoded;
  try {
    decoded = timed(() => parseForwardedCertificate(encoded.value, format, encoded.chain ? { chain: encoded.chain } : {}));
  } catch (error) {
    throw new PropertyViolation(`a valid ${input.format} value did not decode with '${format}': ${describeError(error)}`);
  }
  if (decoded.thumbprint !== thumbprint(leaf)) throw new PropertyViolation('decoded to another certificate');
  const got = decoded.chain.map((link) => link.thumbprint).join(',');
  const want = chain.map((der) => thumbprint(der)).join(',');
  if (got !== want) throw new PropertyViolation(`chain decoded as [${got}], expected [${want}]`);
}

export const roundTripTarget: FuzzTarget<RoundTripInput> = {
  name: 'forwarded-round-trip',
  description: 'every fixture certificate (and chain) encoded as each proxy writes it decodes, with its format and with auto, to the same thumbprints',
  arbitrary,
  check: checkRoundTrip,
  sliceRuns: 150,
};
