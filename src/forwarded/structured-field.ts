import { CertificateHeaderError } from '../certificate/errors.js';
import { decodeBase64Strict } from '../certificate/pem.js';

const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

const encoding = (message: string) => new CertificateHeaderError('ERR_CERT_HEADER_ENCODING', message);

function skipSpaces(text: string, at: number, allowTab: boolean): number {
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code !== SP && !(allowTab && code === HTAB)) break;
    at++;
  }
  return at;
}

/**
 * Reads one Byte Sequence at `at` (RFC 8941 section 4.2.7) and refuses parameters:
 * RFC 9440 defines none for its fields. Returns the bytes and the offset after them.
 */
function readByteSequence(text: string, at: number): { bytes: Buffer; next: number } {
  if (text.charCodeAt(at) !== COLON) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'expected a structured-field byte sequence (:base64:)');
  }
  const close = text.indexOf(':', at + 1);
  if (close < 0) throw encoding('byte sequence has no closing colon');
  // Stricter than section 4.2.7's SHOULD NOT: the padding every serialiser emits is required.
  const bytes = decodeBase64Strict(text.slice(at + 1, close));
  if (text.charCodeAt(close + 1) === 0x3b) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'parameters on a certificate byte sequence are not accepted');
  }
  return { bytes, next: close + 1 };
}

/**
 * A field whose whole value is one sf-binary Item (RFC 8941 sections 3.3.5 and 4.2),
 * such as RFC 9440 `Client-Cert`. A list where one item belongs is `ERR_CERT_HEADER_MULTIPLE`.
 */
export function parseByteSequenceItem(text: string): Buffer {
  const start = skipSpaces(text, 0, false);
  const { bytes, next } = readByteSequence(text, start);
  const end = skipSpaces(text, next, false);
  if (end !== text.length) {
    const separator = text.charCodeAt(skipSpaces(text, next, true)) === 0x2c;
    throw new CertificateHeaderError(separator ? 'ERR_CERT_HEADER_MULTIPLE' : 'ERR_CERT_HEADER_TRAILING_DATA',
      separator ? 'a list where one byte sequence is allowed' : 'data after the byte sequence');
  }
  return bytes;
}

/**
 * An sf-list of Byte Sequences (RFC 8941 sections 3.1 and 4.2.1), such as RFC 9440
 * `Client-Cert-Chain`. An empty value is an empty list; a trailing comma, an inner list
 * or any other item type is refused.
 */
export function parseByteSequenceList(text: string): Buffer[] {
  const out: Buffer[] = [];
  let at = skipSpaces(text, 0, false);
  if (skipSpaces(text, at, false) === text.length) return out;
  for (;;) {
    const { bytes, next } = readByteSequence(text, at);
    out.push(bytes);
    at = skipSpaces(text, next, true);
    if (at === text.length) return out;
    if (text.charCodeAt(at) !== 0x2c) throw new CertificateHeaderError('ERR_CERT_HEADER_TRAILING_DATA', 'data after a list member');
    at = skipSpaces(text, at + 1, true);
    if (at === text.length) throw encoding('trailing comma in a structured-field list');
  }
}
