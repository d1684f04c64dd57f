import { CertificateHeaderError } from './errors.js';

/** One DER tag-length-value: `start` of the tag, `contentStart`, `end` (exclusive). */
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

const invalid = (message: string) => new CertificateHeaderError('ERR_CERT_INVALID', message);

/** Reads one TLV at `offset` of `bytes`, refusing indefinite and over-long lengths (DER, X.690 section 10.1). */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw invalid('truncated DER element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw invalid('multi-byte DER tags are not used by X.509');
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw invalid('indefinite or oversized DER length');
    if (contentStart + count > limit) throw invalid('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i]!;
    if (length < 0x80 || bytes[contentStart] === 0) throw invalid('non-minimal DER length');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw invalid('DER element runs past its container');
  return { tag, start: offset, contentStart, end };
}

/** Children of a constructed TLV, in order. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/**
 * Cheap structural check that `der` is exactly one X.509 `Certificate`
 * (RFC 5280 section 4.1: SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE,
 * signatureValue BIT STRING }) with nothing after it. Microseconds, unlike a full parse.
 */
export function assertCertificateFraming(der: Uint8Array): void {
  if (der.length === 0) throw invalid('no certificate bytes');
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30) throw invalid('a certificate starts with a DER SEQUENCE');
  if (outer.end !== der.length) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_TRAILING_DATA', `${der.length - outer.end} bytes follow the certificate`);
  }
  const parts = children(der, outer);
  if (parts.length !== 3 || parts[0]!.tag !== 0x30 || parts[1]!.tag !== 0x30 || parts[2]!.tag !== 0x03) {
    throw invalid('not an X.509 certificate (expected tbsCertificate, signatureAlgorithm, signatureValue)');
  }
}
