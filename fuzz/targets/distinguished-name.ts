import fc from 'fast-check';
import { DistinguishedNameSyntaxError, SHORT_NAMES, distinguishedNamesEqual, formatDistinguishedName, parseDistinguishedName } from '../../src/certificate/distinguished-name.js';
import type { NameAttribute, RelativeDistinguishedNames } from '../../src/certificate/fields.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { subjectAltNameMatches } from '../../src/certificate/subject-match.js';
import { certificateDer, certificateNames } from '../lib/samples.js';
import { mutatedString, randomText } from '../lib/strings.js';
import { PropertyViolation, expectOnly, timed, type FuzzTarget } from '../lib/target.js';

const CERTIFICATES = certificateNames().map((name) => ClientCertificate.fromDer(certificateDer(name)));
const DN_SAMPLES = [
  ...CERTIFICATES.flatMap((certificate) => [certificate.subject, certificate.issuer]),
  'CN=a\\,b+UID=x,O=Example\\2C Inc.,C=US', 'cn = x , o=#0c0161', '2.5.4.3=x,OID.2.5.4.10=y', 'CN=\\20lead\\20,O=trail\\ ', 'E=a@b.example,DC=example,DC=com',
];

const attribute: fc.Arbitrary<NameAttribute> = fc.record({
  type: fc.oneof(fc.constantFrom(...Object.keys(SHORT_NAMES), '2.5.4.5', '1.2.840.113549.1.9.1'), fc.array(fc.nat({ max: 99999 }), { minLength: 1, maxLength: 5 }).map((arcs) => `1.3.${arcs.join('.')}`)),
  // Lone surrogates cannot be encoded in UTF-8, so no certificate holds them.
  value: fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: fc.constantFrom(...' ,+;"\\<>#=a\u00e9\u0000'), maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  ).filter((value) => !/\p{Cs}/u.test(value)),
});
const rdns: fc.Arbitrary<NameAttribute[][]> = fc.array(fc.array(attribute, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 });

export type DistinguishedNameInput = { kind: 'text'; text: string } | { kind: 'rdns'; rdns: NameAttribute[][] } | { kind: 'san'; expected: string; which: 'san_dns' | 'san_uri' | 'san_ip' | 'san_email'; certificate: number };

const isSyntaxError = (error: unknown) => error instanceof DistinguishedNameSyntaxError && error.code === 'ERR_DN_SYNTAX';

/**
 * parseDistinguishedName throws only DistinguishedNameSyntaxError; formatting any RDN sequence
 * and parsing it back gives an equal name; the comparison is reflexive and symmetric;
 * subjectAltNameMatches never throws.
 */
export const distinguishedNameTarget: FuzzTarget<DistinguishedNameInput> = {
  name: 'distinguished-name',
  description: 'parseDistinguishedName / formatDistinguishedName / distinguishedNamesEqual (RFC 4514) and subjectAltNameMatches on mutated fixture DNs, random RDNs and random text',
  arbitrary: fc.oneof(
    { weight: 3, arbitrary: fc.oneof(mutatedString(DN_SAMPLES), randomText(120), fc.constantFrom(...DN_SAMPLES)).map((text) => ({ kind: 'text' as const, text })) },
    { weight: 3, arbitrary: rdns.map((value) => ({ kind: 'rdns' as const, rdns: value })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('san' as const), expected: fc.oneof(randomText(40), fc.constantFrom('192.0.2.10', '::ffff:192.0.2.10', '2001:DB8::10', '2001:db8:0:0:0:0:0:10', 'CLIENT-EC.example.com', '[::1]', '0x7f.1')),
      which: fc.constantFrom<'san_dns' | 'san_uri' | 'san_ip' | 'san_email'>('san_dns', 'san_uri', 'san_ip', 'san_email'), certificate: fc.nat({ max: CERTIFICATES.length - 1 }) }) },
  ),
  check(input) {
    if (input.kind === 'san') {
      timed(() => subjectAltNameMatches(input.which, input.expected, CERTIFICATES[input.certificate]!.subjectAltNames));
      return;
    }
    let parsed: RelativeDistinguishedNames | undefined;
    const text = input.kind === 'text' ? input.text : formatDistinguishedName(input.rdns);
    expectOnly(() => { parsed = timed(() => parseDistinguishedName(text)); }, isSyntaxError);
    if (input.kind === 'rdns') {
      if (!parsed) throw new PropertyViolation(`formatted name ${JSON.stringify(text)} does not parse`);
      if (!timed(() => distinguishedNamesEqual(parsed!, input.rdns))) throw new PropertyViolation(`formatted name ${JSON.stringify(text)} parses to another name`);
    }
    if (parsed && (!distinguishedNamesEqual(parsed, parsed))) throw new PropertyViolation('a parsed name is not equal to itself');
    if (parsed) {
      const other = CERTIFICATES[text.length % CERTIFICATES.length]!.subjectName;
      if (distinguishedNamesEqual(parsed, other) !== distinguishedNamesEqual(other, parsed)) throw new PropertyViolation('comparison is not symmetric');
    }
  },
  sliceRuns: 1000,
};
