import fc from 'fast-check';
import { decodeBase64Strict, derToPem, pemToDer, pemToDerList } from '../../src/certificate/pem.js';
import { literalSet, percentDecodeStrict } from '../../src/forwarded/percent-decode.js';
import { parseByteSequenceItem, parseByteSequenceList } from '../../src/forwarded/structured-field.js';
import { parseXfcc } from '../../src/forwarded/xfcc-elements.js';
import { isCertificateError } from '../lib/allowed.js';
import { headerSamplesOf, pemSamples } from '../lib/samples.js';
import { mutatedString, nearCap, randomText } from '../lib/strings.js';
import { PropertyViolation, expectOnly, timed, type FuzzTarget } from '../lib/target.js';

const XFCC_SAMPLES = [...headerSamplesOf('xfcc'), 'By=a;Subject="CN=\\"x\\",O=y";URI=spiffe://a,By=b', 'cert="a\\\\b";dns=x.example'];
const SF_SAMPLES = [...headerSamplesOf('rfc9440'), ':AAAA:, :AQID:,:BA==:', ' :AA==: ', ':AAAA:;a=1', '', ':YQ==:,\t:Yg==:'];
const PERCENT_SAMPLES = [...headerSamplesOf('nginx'), ...headerSamplesOf('apache-escaped'), ...headerSamplesOf('aws-alb'), '%41%42%43', 'a%2Bb+c/d=e'];
const PEM_SAMPLES = [...pemSamples(), ...headerSamplesOf('apache')];

const many = (seeds: readonly string[], cap = 16384) => fc.oneof(
  { weight: 5, arbitrary: mutatedString(seeds) },
  { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  { weight: 3, arbitrary: randomText() },
  { weight: 1, arbitrary: nearCap(seeds, cap) },
);

/** Envoy XFCC element parser: typed errors only; an accepted value re-serialised parses to the same pairs. */
export const xfccTarget: FuzzTarget<string> = {
  name: 'xfcc-elements',
  description: 'parseXfcc on mutated Envoy values, many commas, quotes, semicolons and backslashes',
  arbitrary: fc.oneof(many(XFCC_SAMPLES), fc.string({ unit: fc.constantFrom(...',;="\\ \tab=Cc', 'By=', 'Cert="'), maxLength: 300 })),
  check(value) {
    let elements: ReturnType<typeof parseXfcc> | undefined;
    expectOnly(() => { elements = timed(() => parseXfcc(value)); }, (error) => isCertificateError(error, ['ERR_CERT_HEADER_FORMAT']));
    if (!elements) return;
    if (elements.length === 0 || elements.some((pairs) => pairs.length === 0)) throw new PropertyViolation('accepted a value with an empty element');
    // Quoting every value must give the same pairs back: the parser and Envoy's writer agree.
    const written = elements.map((pairs) => pairs.map(([key, v]) => `${key}="${v.replace(/["\\]/g, '\\$&')}"`).join(';')).join(',');
    const again = parseXfcc(written);
    if (JSON.stringify(again) !== JSON.stringify(elements)) throw new PropertyViolation('re-serialised elements parse differently');
  },
  sliceRuns: 1000,
};

/** RFC 8941 byte-sequence item and list: typed errors only; an accepted item round-trips through base64. */
export const structuredFieldTarget: FuzzTarget<{ text: string; list: boolean }> = {
  name: 'structured-field',
  description: 'parseByteSequenceItem / parseByteSequenceList (RFC 8941) on mutated RFC 9440 values and random text',
  arbitrary: fc.record({ text: fc.oneof(many(SF_SAMPLES), fc.string({ unit: fc.constantFrom(...':,; \t=AQYZaz09+/', '\u00a0'), maxLength: 200 })), list: fc.boolean() }),
  check({ text, list }) {
    let result: Buffer | Buffer[] | undefined;
    expectOnly(() => { result = timed(() => (list ? parseByteSequenceList(text) : parseByteSequenceItem(text))); },
      (error) => isCertificateError(error, ['ERR_CERT_HEADER_ENCODING', 'ERR_CERT_HEADER_FORMAT', 'ERR_CERT_HEADER_MULTIPLE', 'ERR_CERT_HEADER_TRAILING_DATA']));
    if (result === undefined) return;
    const items = Array.isArray(result) ? result : [result];
    const written = items.map((bytes) => `:${bytes.toString('base64')}:`).join(', ');
    const again = list ? parseByteSequenceList(written) : [parseByteSequenceItem(written)];
    if (again.length !== items.length || again.some((bytes, i) => !bytes.equals(items[i]!))) throw new PropertyViolation('re-serialised byte sequences decode differently');
    if (!list && text.trim() !== written) throw new PropertyViolation('an item was accepted in a non-canonical spelling');
  },
  sliceRuns: 1000,
};

const LITERAL_SETS = { none: literalSet(), base64: literalSet('+/='), wide: literalSet(' +/=,;:') };

/** Strict percent decoder: typed errors only; output re-encoded decodes the same; never form-decodes `+`. */
export const percentTarget: FuzzTarget<{ text: string; literals: keyof typeof LITERAL_SETS }> = {
  name: 'percent-decode',
  description: 'percentDecodeStrict with three literal sets on `%` runs, truncated escapes, non-ASCII and mutated nginx/Apache/ALB values',
  arbitrary: fc.record({
    text: fc.oneof(many(PERCENT_SAMPLES), fc.string({ unit: fc.constantFrom('%', '%2', '%2B', '%zz', '+', 'A', '0', 'f', 'G', ' ', '\u00e9', '\ud800'), maxLength: 200 })),
    literals: fc.constantFrom<'none' | 'base64' | 'wide'>('none', 'base64', 'wide'),
  }),
  check({ text, literals }) {
    let decoded: string | undefined;
    expectOnly(() => { decoded = timed(() => percentDecodeStrict(text, LITERAL_SETS[literals])); }, (error) => isCertificateError(error, ['ERR_CERT_HEADER_ENCODING']));
    if (decoded === undefined) return;
    if (/[^\x00-\xff]/.test(decoded)) throw new PropertyViolation('decoded to a character outside latin1');
    const plusCount = (text.match(/\+/g) ?? []).length + (text.match(/%2b/gi) ?? []).length;
    if ((decoded.match(/\+/g) ?? []).length !== plusCount) throw new PropertyViolation('a + changed meaning (form decoding)');
    const reencoded = Array.from(decoded, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    if (percentDecodeStrict(reencoded, LITERAL_SETS.none) !== decoded) throw new PropertyViolation('re-encoded text decodes differently');
  },
  sliceRuns: 1000,
};

/** PEM and strict base64: typed errors only; whatever decodes re-encodes to the same bytes. */
export const pemTarget: FuzzTarget<{ text: string; api: 'list' | 'one' | 'base64' }> = {
  name: 'pem',
  description: 'pemToDerList / pemToDer / decodeBase64Strict on mutated fixtures/pki PEM files, Apache space-folded PEM and random text',
  arbitrary: fc.record({
    text: fc.oneof(many(PEM_SAMPLES), fc.string({ unit: fc.constantFrom('A', 'b', '0', '+', '/', '=', ' ', '\n', '\t', '-', '\u00e9'), maxLength: 200 })),
    api: fc.constantFrom<'list' | 'one' | 'base64'>('list', 'one', 'base64'),
  }),
  check({ text, api }) {
    let result: Buffer[] | undefined;
    expectOnly(() => {
      result = timed(() => (api === 'list' ? pemToDerList(text) : api === 'one' ? [pemToDer(text)] : [decodeBase64Strict(text)]));
    }, (error) => isCertificateError(error, ['ERR_CERT_HEADER_EMPTY', 'ERR_CERT_HEADER_ENCODING', 'ERR_CERT_HEADER_FORMAT', 'ERR_CERT_HEADER_MULTIPLE', 'ERR_CERT_HEADER_TRAILING_DATA']));
    if (result === undefined) return;
    if (api === 'base64') {
      if (result[0]!.toString('base64') !== text) throw new PropertyViolation('two spellings decode to the same bytes (non-canonical base64 accepted)');
      return;
    }
    const again = pemToDerList(result.map((der) => derToPem(der)).join(''));
    if (again.length !== result.length || again.some((der, i) => !der.equals(result![i]!))) throw new PropertyViolation('PEM round trip changed the bytes');
  },
  sliceRuns: 1000,
};
