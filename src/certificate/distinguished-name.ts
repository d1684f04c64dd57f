import type { NameAttribute, RelativeDistinguishedNames } from './fields.js';

/** RFC 4514 section 3: the attribute types that have a short name in the string form. */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function escapeValue(value: string, hex: boolean): string {
  if (hex) return value; // `#hexstring` form of a non-string value, section 2.4
  // RFC 4514 section 2.4: escape `"+,;<>\` and NUL anywhere, `#` or space first, space last.
  let out = value.replace(/["+,;<>\\]/g, '\\$&').replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

function formatAttribute(attribute: NameAttribute): string {
  return `${SHORT_NAMES[attribute.type] ?? attribute.type}=${escapeValue(attribute.value, attribute.hex === true)}`;
}

/**
 * The RFC 4514 string of a distinguished name. RFC 4514 section 2.1: the RDNs are written
 * last first (the reverse of their DER order), separated by commas; multi-valued RDNs join with `+`.
 */
export function formatDistinguishedName(rdns: RelativeDistinguishedNames): string {
  return [...rdns].reverse().map((rdn) => rdn.map(formatAttribute).join('+')).join(',');
}

/** Further attribute names accepted when parsing (RFC 4519 and common PKI usage), upper-case. */
const NAME_TO_OID: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(SHORT_NAMES).map(([oid, name]) => [name, oid])),
  COMMONNAME: '2.5.4.3',
  SN: '2.5.4.4',
  SURNAME: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  COUNTRYNAME: '2.5.4.6',
  LOCALITYNAME: '2.5.4.7',
  S: '2.5.4.8',
  STATEORPROVINCENAME: '2.5.4.8',
  STREETADDRESS: '2.5.4.9',
  ORGANIZATIONNAME: '2.5.4.10',
  ORGANIZATIONALUNITNAME: '2.5.4.11',
  TITLE: '2.5.4.12',
  GN: '2.5.4.42',
  GIVENNAME: '2.5.4.42',
  INITIALS: '2.5.4.43',
  GENERATIONQUALIFIER: '2.5.4.44',
  DNQUALIFIER: '2.5.4.46',
  PSEUDONYM: '2.5.4.65',
  ORGANIZATIONIDENTIFIER: '2.5.4.97',
  DOMAINCOMPONENT: '0.9.2342.19200300.100.1.25',
  USERID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
  EMAIL: '1.2.840.113549.1.9.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

/**
 * Attribute types whose equality rule is exact (RFC 4517 numericStringMatch and friends);
 * every other known type uses caseIgnoreMatch / caseIgnoreIA5Match. Unknown OIDs compare exactly.
 */
const CASE_IGNORE = new Set(Object.values(NAME_TO_OID).filter((oid) => oid !== '2.5.4.46'));

/** A DN string that cannot be parsed: a configuration error, thrown at start-up. */
export class DistinguishedNameSyntaxError extends Error {
  override readonly name = 'DistinguishedNameSyntaxError';
  readonly code = 'ERR_DN_SYNTAX' as const;
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x16, 0x14, 0x1a, 0x1e, 0x1c]);

function attributeType(text: string, dn: string): string {
  const name = text.trim();
  const oid = name.replace(/^oid\./i, '');
  // RFC 4512 section 1.4: numericoid = number 1*( DOT number ).
  if (/^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(oid)) return oid;
  const known = NAME_TO_OID[name.toUpperCase()];
  if (!known) throw new DistinguishedNameSyntaxError(`unknown attribute type "${name}" in "${dn}"`);
  return known;
}

/** RFC 4514 section 2.4 `#hexstring`: the BER of the value; strings become text, other types stay hex. */
function hexValue(hex: string, dn: string): { value: string; hex?: boolean } {
  if (!/^([0-9a-f]{2})+$/i.test(hex)) throw new DistinguishedNameSyntaxError(`bad hex value in "${dn}"`);
  const bytes = Buffer.from(hex, 'hex');
  const tag = bytes[0]!;
  const length = bytes[1] ?? 0;
  if (STRING_TAGS.has(tag) && length < 0x80 && bytes.length === length + 2) {
    const content = bytes.subarray(2);
    if (tag === 0x0c) return { value: content.toString('utf8') };
    if (tag === 0x1e) return { value: Buffer.from(content).swap16().toString('utf16le') };
    if (tag !== 0x1c) return { value: content.toString('latin1') };
  }
  return { value: '#' + hex.toLowerCase(), hex: true };
}

/**
 * Parses an RFC 4514 string (last RDN first) into RDNs in DER order, the order of
 * `ClientCertificate.subjectName`. Escapes (`\,` and `\xx` UTF-8 pairs) are resolved.
 * @throws {DistinguishedNameSyntaxError} `ERR_DN_SYNTAX`
 */
export function parseDistinguishedName(dn: string): RelativeDistinguishedNames {
  if (dn.length > 4096) throw new DistinguishedNameSyntaxError('distinguished name longer than 4096 characters');
  const rdns: NameAttribute[][] = [];
  let rdn: NameAttribute[] = [];
  let i = 0;
  for (;;) {
    const equals = dn.indexOf('=', i);
    if (equals < 0) throw new DistinguishedNameSyntaxError(`expected type=value in "${dn}"`);
    const type = attributeType(dn.slice(i, equals), dn);
    i = equals + 1;
    while (dn[i] === ' ') i++;
    let value: string;
    let hex = false;
    if (dn[i] === '#') {
      const start = ++i;
      while (i < dn.length && /[0-9a-f]/i.test(dn[i]!)) i++;
      const decoded = hexValue(dn.slice(start, i), dn);
      value = decoded.value;
      hex = decoded.hex === true;
      while (dn[i] === ' ') i++;
    } else {
      const bytes: number[] = [];
      let trailingSpaces = 0;
      while (i < dn.length && !',+;'.includes(dn[i]!)) {
        const char = String.fromCodePoint(dn.codePointAt(i)!); // whole code points: surrogate pairs stay intact
        if (char === '\\') {
          const next = dn.slice(i + 1, i + 3);
          if (/^[0-9a-f]{2}$/i.test(next)) {
            bytes.push(parseInt(next, 16));
            i += 3;
          } else if (i + 1 < dn.length && ' "#+,;<=>\\'.includes(dn[i + 1]!)) {
            bytes.push(dn.charCodeAt(i + 1));
            i += 2;
          } else throw new DistinguishedNameSyntaxError(`bad escape in "${dn}"`);
          trailingSpaces = 0;
          continue;
        }
        bytes.push(...Buffer.from(char, 'utf8'));
        trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
        i += char.length;
      }
      value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
    }
    rdn.push(hex ? { type, value, hex } : { type, value });
    const separator = dn[i];
    i++;
    if (separator === '+') continue;
    rdns.push(rdn);
    rdn = [];
    if (separator === undefined) break;
    if (i >= dn.length) throw new DistinguishedNameSyntaxError(`trailing separator in "${dn}"`);
  }
  return rdns.reverse();
}

/** The white space that RFC 4518 section 2.2 maps to SPACE, ASCII only (OpenSSL's isspace set). */
const ASCII_SPACE_RUNS = /[ \t\n\v\f\r]+/g;
const ASCII_UPPER = /[A-Z]+/g;

/**
 * RFC 4518 preparation restricted to ASCII (the PrintableString and IA5String repertoires):
 * insignificant spaces removed (leading, trailing, runs collapsed to one, section 2.6.1) and,
 * for caseIgnoreMatch types, A-Z folded to a-z. Deliberately no NFKC and no Unicode case
 * folding: `ⓐⓛⓘⓒⓔ`, full-width `ＡＬＩＣＥ` or the Kelvin sign stay distinct from `alice` / `k`,
 * as OpenSSL's X509_NAME_cmp keeps them distinct when it links issuers.
 */
function prepareValue(type: string, value: string, hex: boolean): string {
  if (hex) return value.toLowerCase();
  const spaced = value.replace(ASCII_SPACE_RUNS, ' ').replace(/^ | $/g, '');
  return CASE_IGNORE.has(type) ? spaced.replace(ASCII_UPPER, (letters) => letters.toLowerCase()) : spaced;
}

function prepareRdn(rdn: readonly NameAttribute[]): string[] {
  // X.501: an RDN is a SET, so the order of its attributes carries no meaning.
  return rdn.map((attribute) => `${attribute.type}=${JSON.stringify([attribute.hex === true, prepareValue(attribute.type, attribute.value, attribute.hex === true)])}`).sort();
}

/** Whether two RDNs hold the same attributes under the matching rules of `distinguishedNamesEqual`. */
export function relativeDistinguishedNamesEqual(a: readonly NameAttribute[], b: readonly NameAttribute[]): boolean {
  if (a.length !== b.length) return false;
  const left = prepareRdn(a);
  const right = prepareRdn(b);
  return left.every((item, position) => item === right[position]);
}

/**
 * Whether two distinguished names are equal under X.520 matching rules: the same RDN sequence,
 * attribute types compared by OID, values after RFC 4518 preparation (RFC 8705 section 2.1.2
 * asks for a DN comparison, not a string comparison).
 */
export function distinguishedNamesEqual(a: RelativeDistinguishedNames, b: RelativeDistinguishedNames): boolean {
  return a.length === b.length && a.every((rdn, index) => relativeDistinguishedNamesEqual(rdn, b[index]!));
}

/** A string that is equal for two names exactly when `distinguishedNamesEqual` holds (an index key). */
export function distinguishedNameKey(rdns: RelativeDistinguishedNames): string {
  return JSON.stringify(rdns.map(prepareRdn));
}
