import { isIP } from 'node:net';
import { children, readTlv, type Tlv } from './der.js';
import { CertificateHeaderError } from './errors.js';

/** One attribute of a distinguished name: the type as a dotted OID and the value as text. */
export interface NameAttribute {
  readonly type: string;
  /** The text of a string value; for any other type, `#` and the hex of its BER (RFC 4514 section 2.4). */
  readonly value: string;
  /** True when `value` is the `#hex` form of a non-string value rather than text that starts with `#`. */
  readonly hex?: boolean;
}

/** A distinguished name as RDNs in DER encoding order (the root-most RDN first). */
export type RelativeDistinguishedNames = readonly (readonly NameAttribute[])[];

/** Subject alternative names split by kind (RFC 5280 section 4.2.1.6). */
export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly uri: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
}

/** The fields of a certificate that mtls-pop uses, read straight from the DER. */
export interface CertificateFields {
  readonly serialNumber: string;
  readonly issuer: RelativeDistinguishedNames;
  readonly subject: RelativeDistinguishedNames;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectPublicKeyInfo: Buffer;
  readonly subjectAltNames: SubjectAltNames;
}

const invalid = (message: string) => new CertificateHeaderError('ERR_CERT_INVALID', message);
const SAN_OID = '2.5.29.17';
/** The DirectoryString and IA5/Visible tags that `decodeString` reads as text. */
const STRING_TAG_SET = new Set([0x0c, 0x13, 0x16, 0x14, 0x1a, 0x1e, 0x1c]);

/** Dotted form of a DER OBJECT IDENTIFIER's content (X.690 section 8.19). */
export function decodeOid(bytes: Uint8Array, tlv: Tlv | undefined): string {
  // `undefined` is an element missing from its SEQUENCE (an empty Extension, say): malformed input.
  if (tlv === undefined || tlv.tag !== 0x06 || tlv.end === tlv.contentStart) throw invalid('expected an OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) {
    const byte = bytes[i]!;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw invalid('OID arc too large');
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (bytes[tlv.end - 1]! & 0x80) throw invalid('truncated OID');
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

function decodeString(bytes: Uint8Array, tlv: Tlv): string {
  const content = Buffer.from(bytes.subarray(tlv.contentStart, tlv.end));
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return content.toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString, read as Latin-1 as OpenSSL does
    case 0x1a: // VisibleString
      return content.toString('latin1');
    case 0x1e: // BMPString, UTF-16BE
      if (content.length % 2 !== 0) throw invalid('BMPString of odd length');
      return Buffer.from(content).swap16().toString('utf16le');
    case 0x1c: { // UniversalString, UTF-32BE
      if (content.length % 4 !== 0) throw invalid('UniversalString length is not a multiple of 4');
      let text = '';
      for (let i = 0; i < content.length; i += 4) {
        const codePoint = content.readUInt32BE(i);
        if (codePoint > 0x10ffff) throw invalid('UniversalString holds a value beyond Unicode');
        text += String.fromCodePoint(codePoint);
      }
      return text;
    }
    default:
      // RFC 4514 section 2.4: values of other types are written as '#' and the hex of their BER encoding.
      return '#' + Buffer.from(bytes.subarray(tlv.start, tlv.end)).toString('hex');
  }
}

/** The RDNs of a DER `Name` (RFC 5280 section 4.1.2.4), in encoding order. */
export function decodeName(bytes: Uint8Array, tlv: Tlv): RelativeDistinguishedNames {
  if (tlv.tag !== 0x30) throw invalid('a Name is a SEQUENCE');
  return children(bytes, tlv).map((set) => {
    if (set.tag !== 0x31) throw invalid('an RDN is a SET');
    return children(bytes, set).map((pair) => {
      const [type, value] = pair.tag === 0x30 ? children(bytes, pair) : [];
      if (!type || !value) throw invalid('malformed AttributeTypeAndValue');
      const text = decodeString(bytes, value);
      return STRING_TAG_SET.has(value.tag) ? { type: decodeOid(bytes, type), value: text } : { type: decodeOid(bytes, type), value: text, hex: true };
    });
  });
}

function decodeTime(bytes: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(bytes.subarray(tlv.contentStart, tlv.end)).toString('latin1');
  // RFC 5280 section 4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 is 19YY), GeneralizedTime YYYYMMDDHHMMSSZ.
  const match = tlv.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : tlv.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw invalid('malformed validity time');
  let year = Number(match[1]);
  if (tlv.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls month 13 or hour 24 over into a later date; OpenSSL refuses them, so do we.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day
    || date.getUTCHours() !== hour || date.getUTCMinutes() !== minute || date.getUTCSeconds() !== second) {
    throw invalid('invalid validity time');
  }
  return date;
}

function formatIp(raw: Buffer): string {
  if (raw.length === 4) return Array.from(raw).join('.');
  if (raw.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
    const text = groups.join(':');
    // Canonical compressed form, as net.isIP accepts and URL normalises.
    return isIP(text) ? new URL(`http://[${text}]/`).hostname.slice(1, -1) : text;
  }
  throw invalid('an iPAddress SAN is 4 or 16 bytes');
}

function decodeSubjectAltNames(bytes: Uint8Array, extnValue: Tlv): SubjectAltNames {
  const names = { dns: [] as string[], uri: [] as string[], ip: [] as string[], email: [] as string[] };
  const sequence = readTlv(bytes, extnValue.contentStart, extnValue.end);
  if (sequence.tag !== 0x30 || sequence.end !== extnValue.end) throw invalid('malformed subjectAltName');
  for (const name of children(bytes, sequence)) {
    const content = Buffer.from(bytes.subarray(name.contentStart, name.end));
    // RFC 5280 section 4.2.1.6 GeneralName, context-specific tags.
    if (name.tag === 0x81) names.email.push(content.toString('latin1'));
    else if (name.tag === 0x82) names.dns.push(content.toString('latin1'));
    else if (name.tag === 0x86) names.uri.push(content.toString('latin1'));
    else if (name.tag === 0x87) names.ip.push(formatIp(content));
  }
  return names;
}

/** Reads the fields mtls-pop uses from a certificate's DER (RFC 5280 section 4.1). */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const outer = readTlv(der, 0);
  const [tbs] = children(der, outer);
  if (!tbs || tbs.tag !== 0x30) throw invalid('missing tbsCertificate');
  const parts = children(der, tbs);
  let index = parts[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
  const serial = parts[index++];
  index++; // signature AlgorithmIdentifier
  const issuer = parts[index++];
  const validity = parts[index++];
  const subject = parts[index++];
  const spki = parts[index++];
  if (!serial || serial.tag !== 0x02 || !issuer || !validity || validity.tag !== 0x30 || !subject || !spki || spki.tag !== 0x30) {
    throw invalid('malformed tbsCertificate');
  }
  const [notBefore, notAfter] = children(der, validity);
  if (!notBefore || !notAfter) throw invalid('malformed validity');
  let subjectAltNames: SubjectAltNames = { dns: [], uri: [], ip: [], email: [] };
  for (const part of parts.slice(index)) {
    if (part.tag !== 0xa3) continue; // [3] extensions
    const [extensions] = children(der, part);
    if (!extensions) continue;
    for (const extension of children(der, extensions)) {
      const items = children(der, extension);
      const oid = decodeOid(der, items[0]!);
      const value = items[items.length - 1]!;
      if (oid === SAN_OID && value.tag === 0x04) subjectAltNames = decodeSubjectAltNames(der, value);
    }
  }
  return {
    serialNumber: Buffer.from(der.subarray(serial.contentStart, serial.end)).toString('hex').toUpperCase(),
    issuer: decodeName(der, issuer),
    subject: decodeName(der, subject),
    notBefore: decodeTime(der, notBefore),
    notAfter: decodeTime(der, notAfter),
    subjectPublicKeyInfo: Buffer.from(der.subarray(spki.start, spki.end)),
    subjectAltNames,
  };
}
