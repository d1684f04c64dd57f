import { CertificateHeaderError } from './errors.js';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_VALUE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** DER bytes as a PEM `CERTIFICATE` block (RFC 7468 section 5), 64 columns, trailing newline. */
export function derToPem(der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `${BEGIN}\n${body}\n${END}\n`;
}

/**
 * Strict standard base64 (RFC 4648 section 4) to bytes. Node's decoder silently skips
 * garbage; this one refuses it, so a tampered header cannot decode to "something".
 */
export function decodeBase64Strict(text: string): Buffer {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_ENCODING', 'not valid base64');
  }
  // RFC 4648 section 3.5: the pad bits before `=` must be zero, else two spellings decode alike.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0 && (BASE64_VALUE.indexOf(text[text.length - padding - 1]!) & (padding === 2 ? 0x0f : 0x03)) !== 0) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_ENCODING', 'not canonical base64 (non-zero pad bits)');
  }
  return Buffer.from(text, 'base64');
}

/**
 * Every PEM `CERTIFICATE` block of `text`, in order, as DER. Whitespace of any kind
 * (newlines, spaces, tabs) inside the base64 body is accepted, because proxies fold it;
 * anything else outside the blocks is an error.
 */
export function pemToDerList(text: string): Buffer[] {
  const out: Buffer[] = [];
  let rest = text.trim();
  if (rest.length === 0) throw new CertificateHeaderError('ERR_CERT_HEADER_EMPTY', 'no PEM data');
  while (rest.length > 0) {
    if (!rest.startsWith(BEGIN)) {
      throw new CertificateHeaderError(out.length ? 'ERR_CERT_HEADER_TRAILING_DATA' : 'ERR_CERT_HEADER_FORMAT',
        out.length ? 'unexpected data after the PEM certificate' : 'expected -----BEGIN CERTIFICATE-----');
    }
    const endAt = rest.indexOf(END, BEGIN.length);
    if (endAt < 0) throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'missing -----END CERTIFICATE-----');
    const body = rest.slice(BEGIN.length, endAt).replace(/[ \t\r\n]+/g, '');
    out.push(decodeBase64Strict(body));
    rest = rest.slice(endAt + END.length).trimStart();
  }
  return out;
}

/** Exactly one PEM certificate as DER. */
export function pemToDer(text: string): Buffer {
  const list = pemToDerList(text);
  if (list.length !== 1) throw new CertificateHeaderError('ERR_CERT_HEADER_MULTIPLE', `expected one certificate, found ${list.length}`);
  return list[0]!;
}
