import fc from 'fast-check';
import { thumbprint } from '../../src/certificate/thumbprint.js';
import { DEFAULT_MAX_HEADER_LENGTH, parseForwardedCertificate, type ForwardedFormat } from '../../src/forwarded/index.js';
import { isCertificateError } from '../lib/allowed.js';
import { headerSamples, headerSamplesOf } from '../lib/samples.js';
import { mutatedString, nearCap, randomText } from '../lib/strings.js';
import { PropertyViolation, expectOnly, timed, type FuzzTarget } from '../lib/target.js';

/** One call of parseForwardedCertificate: the header value and, optionally, separate chain values. */
export interface ForwardedInput {
  value: string;
  chain?: string[];
}

// Formats with a separate chain header; `auto` takes one too, whatever the value turns out to be.
const WITH_CHAIN: readonly ForwardedFormat[] = ['nginx', 'apache', 'apache-escaped', 'base64-der', 'rfc9440', 'auto'];

const ALL_SAMPLES = headerSamples();

function valueArbitrary(format: ForwardedFormat): fc.Arbitrary<string> {
  const own = format === 'auto' ? ALL_SAMPLES : headerSamplesOf(format);
  return fc.oneof(
    { weight: 5, arbitrary: mutatedString(own) },
    { weight: 2, arbitrary: mutatedString(ALL_SAMPLES) },
    { weight: 1, arbitrary: fc.constantFrom(...own) },
    { weight: 2, arbitrary: randomText() },
    { weight: 1, arbitrary: nearCap(own, DEFAULT_MAX_HEADER_LENGTH) },
  );
}

function chainArbitrary(): fc.Arbitrary<string[]> {
  const chainSamples = headerSamples().filter((value) => value.length < 4000);
  return fc.array(fc.oneof(mutatedString(chainSamples, 2), fc.constantFrom(...chainSamples, '', '(null)'), randomText(40)), { maxLength: 10 });
}

/** The properties every call must keep, whatever the input. */
export function checkForwarded(format: ForwardedFormat, input: ForwardedInput): void {
  let decoded: ReturnType<typeof parseForwardedCertificate> | undefined;
  expectOnly(() => {
    decoded = timed(() => parseForwardedCertificate(input.value, format, input.chain === undefined ? {} : { chain: input.chain }));
  }, (error) => isCertificateError(error));
  if (decoded === undefined) return;
  // A decoded certificate is whole: the thumbprint is its DER's, the lazy fields read, the chain is bounded.
  if (decoded.thumbprint !== thumbprint(decoded.der) || decoded.source !== 'header') throw new PropertyViolation('decoded certificate is inconsistent');
  // Accept only DER: an accepted certificate (and chain certificate) is byte for byte node:crypto's encoding.
  for (const certificate of [decoded, ...decoded.chain]) {
    if (!certificate.x509.raw.equals(certificate.der)) throw new PropertyViolation('non-DER accepted: node:crypto re-encodes the certificate differently');
  }
  if (decoded.chain.length > 8) throw new PropertyViolation(`chain of ${decoded.chain.length} certificates passed the cap`);
  timed(() => [decoded!.subject, decoded!.issuer, decoded!.subjectAltNames, decoded!.serialNumber, JSON.stringify(decoded)]);
  // validate() does not import the key: a key OpenSSL cannot load is a typed error, on first use.
  expectOnly(() => timed(() => decoded!.publicKey), (error) => isCertificateError(error, ['ERR_CERT_INVALID']));
}

/** One target per format (and `auto`): parseForwardedCertificate throws nothing but typed errors. */
export function forwardedTarget(format: ForwardedFormat): FuzzTarget<ForwardedInput> {
  const value = valueArbitrary(format);
  const arbitrary = WITH_CHAIN.includes(format)
    ? fc.oneof({ weight: 3, arbitrary: value.map((v) => ({ value: v })) }, { weight: 1, arbitrary: fc.record({ value, chain: chainArbitrary() }) })
    : value.map((v) => ({ value: v }));
  return {
    name: `forwarded-${format}`,
    description: `parseForwardedCertificate(value, '${format}'${WITH_CHAIN.includes(format) ? ', { chain }' : ''}) on mutated samples, random text and values near the 16 KiB cap`,
    arbitrary,
    check: (input) => checkForwarded(format, input),
    sliceRuns: format === 'auto' ? 800 : 300,
  };
}

export const FORWARDED_TARGET_FORMATS: readonly ForwardedFormat[] = ['nginx', 'apache', 'apache-escaped', 'base64-der', 'rfc9440', 'xfcc', 'aws-alb', 'auto'];
