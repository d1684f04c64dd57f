import { CertificateHeaderError } from '../certificate/errors.js';

/** One element of `x-forwarded-client-cert`: its pairs in order, keys lower-cased. */
export type XfccElement = readonly (readonly [key: string, value: string])[];

const format = (message: string) => new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', message);
const isSpace = (code: number) => code === 0x20 || code === 0x09;
const isKeyChar = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/**
 * Splits an Envoy `x-forwarded-client-cert` value into elements (one per hop, `,`) of
 * `key=value` pairs (`;`), in one linear pass. Values holding `, ; =` are double-quoted with
 * `\"` escapes; an unquoted value may not hold `=` or `"`. Any other shape is `ERR_CERT_HEADER_FORMAT`.
 */
export function parseXfcc(text: string): XfccElement[] {
  const elements: XfccElement[] = [];
  let pairs: [string, string][] = [];
  let at = 0;
  const length = text.length;
  for (;;) {
    while (at < length && isSpace(text.charCodeAt(at))) at++;
    const keyStart = at;
    while (at < length && isKeyChar(text.charCodeAt(at))) at++;
    if (at === keyStart || text.charCodeAt(at) !== 0x3d) throw format(`expected key=value at offset ${keyStart}`);
    const key = text.slice(keyStart, at).toLowerCase();
    at++;
    let value: string;
    if (text.charCodeAt(at) === 0x22) {
      const parts: string[] = [];
      let start = ++at;
      for (;;) {
        if (at >= length) throw format('unterminated quoted value');
        const code = text.charCodeAt(at);
        if (code === 0x22) break;
        if (code === 0x5c) {
          if (at + 1 >= length) throw format('dangling escape in a quoted value');
          parts.push(text.slice(start, at));
          start = at + 1;
          at += 2;
          continue;
        }
        at++;
      }
      parts.push(text.slice(start, at));
      value = parts.join('');
      at++;
    } else {
      const start = at;
      while (at < length) {
        const code = text.charCodeAt(at);
        if (code === 0x2c || code === 0x3b) break;
        if (code === 0x3d || code === 0x22) throw format(`unquoted value holds ${text[at]} at offset ${at}`);
        at++;
      }
      value = text.slice(start, at).trimEnd();
    }
    pairs.push([key, value]);
    while (at < length && isSpace(text.charCodeAt(at))) at++;
    if (at === length) {
      elements.push(pairs);
      return elements;
    }
    const separator = text.charCodeAt(at++);
    if (separator === 0x2c) {
      elements.push(pairs);
      pairs = [];
    } else if (separator !== 0x3b) {
      throw format(`unexpected ${text[at - 1]} at offset ${at - 1}`);
    }
  }
}
