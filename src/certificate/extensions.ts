import { children, readTlv, type Tlv } from './der.js';
import { decodeOid } from './fields.js';

/** The certificate extensions that path validation needs (RFC 5280 section 4.2.1). */
export interface PathExtensions {
  /** basicConstraints; undefined when absent. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  /** keyUsage bits by name; undefined when absent (then every usage is allowed). */
  readonly keyUsage?: { readonly digitalSignature: boolean; readonly keyCertSign: boolean };
  /** extKeyUsage purposes as dotted OIDs; undefined when absent. */
  readonly extendedKeyUsage?: readonly string[];
  /** OIDs of the extensions marked critical. */
  readonly critical: readonly string[];
}

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const EXTENDED_KEY_USAGE = '2.5.29.37';

function inner(der: Uint8Array, value: Tlv): Tlv {
  return readTlv(der, value.contentStart, value.end);
}

function readInteger(der: Uint8Array, tlv: Tlv): number {
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end && i < tlv.contentStart + 4; i++) value = value * 256 + der[i]!;
  return value;
}

/**
 * Reads basicConstraints, keyUsage and extKeyUsage straight from the DER (microseconds; node:crypto
 * exposes neither the keyUsage bits nor pathLenConstraint).
 * @throws {CertificateHeaderError} `ERR_CERT_INVALID` on malformed DER
 */
export function readPathExtensions(der: Uint8Array): PathExtensions {
  const [tbs] = children(der, readTlv(der, 0));
  const result: { -readonly [K in keyof PathExtensions]: PathExtensions[K] } = { critical: [] };
  const critical: string[] = [];
  for (const part of children(der, tbs!)) {
    if (part.tag !== 0xa3) continue;
    const [list] = children(der, part);
    for (const extension of list ? children(der, list) : []) {
      const items = children(der, extension);
      const oid = decodeOid(der, items[0]!);
      if (items.length === 3 && items[1]!.tag === 0x01 && der[items[1]!.contentStart] !== 0) critical.push(oid);
      const value = items[items.length - 1]!;
      if (oid === BASIC_CONSTRAINTS) {
        const fields = children(der, inner(der, value));
        const ca = fields[0]?.tag === 0x01 && der[fields[0].contentStart] !== 0;
        const length = fields.find((field) => field.tag === 0x02);
        result.basicConstraints = length ? { ca, pathLength: readInteger(der, length) } : { ca };
      } else if (oid === KEY_USAGE) {
        const bits = inner(der, value);
        const first = bits.end > bits.contentStart + 1 ? der[bits.contentStart + 1]! : 0;
        // RFC 5280 section 4.2.1.3: digitalSignature (0), keyCertSign (5), most significant bit first.
        result.keyUsage = { digitalSignature: (first & 0x80) !== 0, keyCertSign: (first & 0x04) !== 0 };
      } else if (oid === EXTENDED_KEY_USAGE) {
        result.extendedKeyUsage = children(der, inner(der, value)).map((purpose) => decodeOid(der, purpose));
      }
    }
  }
  result.critical = critical;
  return result;
}
