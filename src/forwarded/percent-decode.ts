import { CertificateHeaderError } from '../certificate/errors.js';

/** A set of ASCII characters allowed to appear unescaped, as a lookup table by char code. */
export type LiteralSet = Uint8Array;

/** Builds a {@link LiteralSet} from the RFC 3986 unreserved characters plus `extra`. */
export function literalSet(extra = ''): LiteralSet {
  const table = new Uint8Array(128);
  const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
  for (const char of unreserved + extra) table[char.charCodeAt(0)] = 1;
  return table;
}

const hexValue = (code: number): number => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
};

/**
 * Strict percent-decoding (RFC 3986 section 2.1) to a latin1 string, in one linear pass.
 * `%` must be followed by two hex digits (either case); every other character must be in
 * `literals`. A `+` is never a space: this is not form decoding. Whether a literal `+` is
 * allowed at all is the caller's choice, per format.
 * @throws {CertificateHeaderError} `ERR_CERT_HEADER_ENCODING`
 */
export function percentDecodeStrict(text: string, literals: LiteralSet): string {
  const parts: string[] = [];
  let start = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25) {
      const high = i + 2 < length ? hexValue(text.charCodeAt(i + 1)) : -1;
      const low = high >= 0 ? hexValue(text.charCodeAt(i + 2)) : -1;
      if (low < 0) throw new CertificateHeaderError('ERR_CERT_HEADER_ENCODING', `malformed percent-escape at offset ${i}`);
      if (i > start) parts.push(text.slice(start, i));
      parts.push(String.fromCharCode(high * 16 + low));
      i += 2;
      start = i + 1;
    } else if (code >= 128 || literals[code] !== 1) {
      throw new CertificateHeaderError('ERR_CERT_HEADER_ENCODING', `character ${JSON.stringify(text[i])} at offset ${i} must be percent-escaped in this format`);
    }
  }
  if (start === 0) return text;
  if (start < length) parts.push(text.slice(start));
  return parts.join('');
}
