import { children, readTlv, type Tlv } from './der.js';
import { CertificateHeaderError } from './errors.js';
import { decodeName, decodeOid, type RelativeDistinguishedNames } from './fields.js';

/** One GeneralName (RFC 5280 section 4.2.1.6): its context tag number and content bytes. */
export interface GeneralName {
  /** 0 otherName, 1 rfc822Name, 2 dNSName, 3 x400Address, 4 directoryName, 5 ediPartyName, 6 URI, 7 iPAddress, 8 registeredID. */
  readonly type: number;
  /** The content octets (for directoryName, the inner Name's DER). */
  readonly bytes: Buffer;
  /** For directoryName, the RDNs of the name. */
  readonly directoryName?: RelativeDistinguishedNames;
}

/** One GeneralSubtree of nameConstraints (RFC 5280 section 4.2.1.10). */
export interface GeneralSubtree {
  readonly base: GeneralName;
  /** False when minimum is not 0 or maximum is present ("MUST be zero" / "MUST be absent"). */
  readonly distancesValid: boolean;
}

/** The certificate facts that path validation needs (RFC 5280 sections 4.1 and 4.2.1). */
export interface PathExtensions {
  /** The X.509 version number (1, 2 or 3). */
  readonly version: number;
  /** Whether the subject key is an EC key with explicit curve parameters (RFC 5480 section 2.1.1: "MUST NOT be used"). */
  readonly ecExplicitParameters: boolean;
  /** Whether the signature AlgorithmIdentifier inside tbsCertificate equals the outer one (section 4.1.1.2). */
  readonly signatureAlgorithmsMatch: boolean;
  readonly issuerEmpty: boolean;
  readonly subjectEmpty: boolean;
  /** emailAddress attributes of the subject, and whether each is an IA5String. */
  readonly subjectEmails: readonly { readonly value: string; readonly ia5: boolean }[];
  /** basicConstraints; undefined when absent. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical: boolean };
  /** keyUsage bits by name; undefined when absent (then every usage is allowed). */
  readonly keyUsage?: { readonly digitalSignature: boolean; readonly keyAgreement: boolean; readonly keyCertSign: boolean; readonly cRLSign: boolean };
  /** extKeyUsage purposes as dotted OIDs; undefined when absent. */
  readonly extendedKeyUsage?: readonly string[];
  /** Netscape certificate type bits (0x80 SSL client ... 0x04 SSL CA); undefined when absent. */
  readonly netscapeCertType?: number;
  /** subjectAltName entries; undefined when absent. */
  readonly subjectAltNames?: readonly GeneralName[];
  readonly subjectAltNameCritical: boolean;
  /** nameConstraints; undefined when absent. */
  readonly nameConstraints?: { readonly permitted: readonly GeneralSubtree[]; readonly excluded: readonly GeneralSubtree[] };
  /** authorityKeyIdentifier: present, and its keyIdentifier when it has one. */
  readonly authorityKeyIdentifier?: { readonly keyIdentifier?: Buffer };
  readonly subjectKeyIdentifier?: Buffer;
  /** certificatePolicies as dotted OIDs; undefined when absent. */
  readonly policies?: readonly string[];
  /** policyMappings pairs (issuerDomainPolicy, subjectDomainPolicy); undefined when absent. */
  readonly policyMappings?: readonly (readonly [string, string])[];
  readonly policyConstraints?: { readonly requireExplicitPolicy?: number; readonly inhibitPolicyMapping?: number };
  readonly inhibitAnyPolicy?: number;
  /** OIDs of the extensions marked critical. */
  readonly critical: readonly string[];
}

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  netscapeCertType: '2.16.840.1.113730.1.1',
} as const;
const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** SubjectPublicKeyInfo { algorithm { id-ecPublicKey, parameters }, ... } with parameters other than a named curve OID. */
function explicitEcParameters(der: Uint8Array, spki: Tlv): boolean {
  const [algorithm] = children(der, expect(spki, 0x30, 'subjectPublicKeyInfo'));
  const [oid, parameters] = children(der, expect(algorithm, 0x30, 'subjectPublicKeyInfo algorithm'));
  return decodeOid(der, oid) === EC_PUBLIC_KEY && parameters?.tag !== 0x06;
}

const invalid = (message: string) => new CertificateHeaderError('ERR_CERT_INVALID', message);

function inner(der: Uint8Array, value: Tlv): Tlv {
  const tlv = readTlv(der, value.contentStart, value.end);
  if (tlv.end !== value.end) throw invalid('bytes after an extension value');
  return tlv;
}

function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw invalid(`malformed ${what}`);
  return tlv;
}

/** A small non-negative INTEGER (SkipCerts, pathLenConstraint); values past 2^31 read as "no limit". */
function readCount(der: Uint8Array, tlv: Tlv, what: string): number {
  const length = tlv.end - tlv.contentStart;
  if (length === 0 || der[tlv.contentStart]! & 0x80) throw invalid(`negative or empty ${what}`);
  if (length > 5 || (length === 5 && der[tlv.contentStart] !== 0)) return 2 ** 31;
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) value = value * 256 + der[i]!;
  return Math.min(value, 2 ** 31);
}

function readBits(der: Uint8Array, tlv: Tlv, what: string): number {
  expect(tlv, 0x03, what);
  // The first two content bytes of the BIT STRING (after the unused-bits count), most significant bit first.
  const first = tlv.end > tlv.contentStart + 1 ? der[tlv.contentStart + 1]! : 0;
  const second = tlv.end > tlv.contentStart + 2 ? der[tlv.contentStart + 2]! : 0;
  return (first << 8) | second;
}

function readGeneralName(der: Uint8Array, tlv: Tlv): GeneralName {
  if ((tlv.tag & 0xc0) !== 0x80) throw invalid('a GeneralName is context-tagged');
  const type = tlv.tag & 0x1f;
  const bytes = Buffer.from(der.subarray(tlv.contentStart, tlv.end));
  if (type === 4) {
    // directoryName [4] is EXPLICIT (RFC 5280 appendix A.2 uses IMPLICIT tags except for CHOICE types).
    const name = readTlv(der, tlv.contentStart, tlv.end);
    if (name.end !== tlv.end) throw invalid('malformed directoryName');
    return { type, bytes: Buffer.from(der.subarray(name.start, name.end)), directoryName: decodeName(der, name) };
  }
  return { type, bytes };
}

function readSubtrees(der: Uint8Array, tlv: Tlv | undefined): GeneralSubtree[] {
  if (!tlv) return [];
  return children(der, tlv).map((subtree) => {
    const [base, ...distances] = children(der, expect(subtree, 0x30, 'GeneralSubtree'));
    if (!base) throw invalid('GeneralSubtree without a base');
    let distancesValid = true;
    for (const distance of distances) {
      if (distance.tag === 0x80) {
        if (readCount(der, distance, 'minimum') !== 0) distancesValid = false;
      } else if (distance.tag === 0x81) distancesValid = false;
      else throw invalid('malformed GeneralSubtree');
    }
    return { base: readGeneralName(der, base), distancesValid };
  });
}

function emails(der: Uint8Array, subject: Tlv): { value: string; ia5: boolean }[] {
  const out: { value: string; ia5: boolean }[] = [];
  for (const set of children(der, subject)) {
    for (const pair of children(der, set)) {
      const [type, value] = children(der, pair);
      if (type && value && decodeOid(der, type) === EMAIL_ADDRESS) {
        out.push({ value: Buffer.from(der.subarray(value.contentStart, value.end)).toString('latin1'), ia5: value.tag === 0x16 });
      }
    }
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readExtension(der: Uint8Array, oid: string, value: Tlv, critical: boolean, result: Mutable<PathExtensions>): void {
  switch (oid) {
    case OID.basicConstraints: {
      const fields = children(der, expect(inner(der, value), 0x30, 'basicConstraints'));
      const ca = fields[0]?.tag === 0x01 && der[fields[0].contentStart] !== 0;
      const length = fields.find((field) => field.tag === 0x02);
      result.basicConstraints = length ? { ca, pathLength: readCount(der, length, 'pathLenConstraint'), critical } : { ca, critical };
      break;
    }
    case OID.keyUsage: {
      // RFC 5280 section 4.2.1.3: digitalSignature (0), keyAgreement (4), keyCertSign (5), cRLSign (6).
      const bits = readBits(der, inner(der, value), 'keyUsage');
      result.keyUsage = { digitalSignature: (bits & 0x8000) !== 0, keyAgreement: (bits & 0x0800) !== 0, keyCertSign: (bits & 0x0400) !== 0, cRLSign: (bits & 0x0200) !== 0 };
      break;
    }
    case OID.extendedKeyUsage:
      result.extendedKeyUsage = children(der, expect(inner(der, value), 0x30, 'extKeyUsage')).map((purpose) => decodeOid(der, purpose));
      break;
    case OID.netscapeCertType:
      result.netscapeCertType = readBits(der, inner(der, value), 'nsCertType') >> 8;
      break;
    case OID.subjectAltName:
      result.subjectAltNames = children(der, expect(inner(der, value), 0x30, 'subjectAltName')).map((name) => readGeneralName(der, name));
      result.subjectAltNameCritical = critical;
      break;
    case OID.nameConstraints: {
      const parts = children(der, expect(inner(der, value), 0x30, 'nameConstraints'));
      if (parts.some((part) => part.tag !== 0xa0 && part.tag !== 0xa1)) throw invalid('malformed nameConstraints');
      result.nameConstraints = {
        permitted: readSubtrees(der, parts.find((part) => part.tag === 0xa0)),
        excluded: readSubtrees(der, parts.find((part) => part.tag === 0xa1)),
      };
      break;
    }
    case OID.authorityKeyIdentifier: {
      const keyIdentifier = children(der, expect(inner(der, value), 0x30, 'authorityKeyIdentifier')).find((part) => part.tag === 0x80);
      result.authorityKeyIdentifier = keyIdentifier ? { keyIdentifier: Buffer.from(der.subarray(keyIdentifier.contentStart, keyIdentifier.end)) } : {};
      break;
    }
    case OID.subjectKeyIdentifier: {
      const keyIdentifier = expect(inner(der, value), 0x04, 'subjectKeyIdentifier');
      result.subjectKeyIdentifier = Buffer.from(der.subarray(keyIdentifier.contentStart, keyIdentifier.end));
      break;
    }
    case OID.certificatePolicies:
      result.policies = children(der, expect(inner(der, value), 0x30, 'certificatePolicies'))
        .map((information) => decodeOid(der, children(der, expect(information, 0x30, 'PolicyInformation'))[0]));
      break;
    case OID.policyMappings:
      result.policyMappings = children(der, expect(inner(der, value), 0x30, 'policyMappings')).map((mapping) => {
        const [issuerPolicy, subjectPolicy] = children(der, expect(mapping, 0x30, 'policyMappings'));
        return [decodeOid(der, issuerPolicy), decodeOid(der, subjectPolicy)] as const;
      });
      break;
    case OID.policyConstraints: {
      const parts = children(der, expect(inner(der, value), 0x30, 'policyConstraints'));
      const explicit = parts.find((part) => part.tag === 0x80);
      const mapping = parts.find((part) => part.tag === 0x81);
      // RFC 5280 section 4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
      if (!explicit && !mapping) throw invalid('empty policyConstraints');
      result.policyConstraints = {
        ...(explicit ? { requireExplicitPolicy: readCount(der, explicit, 'requireExplicitPolicy') } : {}),
        ...(mapping ? { inhibitPolicyMapping: readCount(der, mapping, 'inhibitPolicyMapping') } : {}),
      };
      break;
    }
    case OID.inhibitAnyPolicy:
      result.inhibitAnyPolicy = readCount(der, expect(inner(der, value), 0x02, 'inhibitAnyPolicy'), 'inhibitAnyPolicy');
      break;
  }
}

/** The extensions that this validator processes; any other critical one makes a certificate unusable. */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints, OID.keyUsage, OID.extendedKeyUsage, OID.subjectAltName, OID.nameConstraints,
  OID.certificatePolicies, OID.policyMappings, OID.policyConstraints, OID.inhibitAnyPolicy, OID.netscapeCertType,
]);

/**
 * Reads what path validation needs straight from the DER (microseconds; node:crypto exposes
 * neither the keyUsage bits nor pathLenConstraint, nameConstraints or policies).
 * @throws {CertificateHeaderError} `ERR_CERT_INVALID` on malformed DER or a malformed known extension
 */
export function readPathExtensions(der: Uint8Array): PathExtensions {
  const [tbs, outerAlgorithm] = children(der, readTlv(der, 0));
  const parts = children(der, tbs!);
  const hasVersion = parts[0]?.tag === 0xa0;
  const version = hasVersion ? readCount(der, expect(children(der, parts[0]!)[0], 0x02, 'version'), 'version') + 1 : 1;
  const offset = hasVersion ? 1 : 0;
  const [innerAlgorithm, issuer, , subject, spki] = parts.slice(offset + 1);
  if (!innerAlgorithm || !issuer || !subject || !spki || !outerAlgorithm) throw invalid('malformed tbsCertificate');
  const result: Mutable<PathExtensions> = {
    version,
    ecExplicitParameters: explicitEcParameters(der, spki),
    signatureAlgorithmsMatch: Buffer.compare(der.subarray(innerAlgorithm.start, innerAlgorithm.end), der.subarray(outerAlgorithm.start, outerAlgorithm.end)) === 0,
    issuerEmpty: issuer.end === issuer.contentStart,
    subjectEmpty: subject.end === subject.contentStart,
    subjectEmails: emails(der, subject),
    subjectAltNameCritical: false,
    critical: [],
  };
  const critical: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    if (part.tag !== 0xa3) continue;
    const list = expect(children(der, part)[0], 0x30, 'extensions');
    for (const extension of children(der, list)) {
      const items = children(der, expect(extension, 0x30, 'extension'));
      const oid = decodeOid(der, items[0]);
      // RFC 5280 section 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
      if (seen.has(oid)) throw invalid(`extension ${oid} appears twice`);
      seen.add(oid);
      const isCritical = items.length === 3 && items[1]!.tag === 0x01 && der[items[1]!.contentStart] !== 0;
      if (isCritical) critical.push(oid);
      readExtension(der, oid, expect(items[items.length - 1], 0x04, 'extnValue'), isCritical, result);
    }
  }
  result.critical = critical;
  return result;
}
