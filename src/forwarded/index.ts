import { CertificateHeaderError } from '../certificate/errors.js';
import { ClientCertificate } from '../certificate/model.js';
import { apacheEscaped } from './apache-escaped.js';
import { apache } from './apache.js';
import { detectForwardedFormat, type DetectedFormat } from './auto.js';
import { awsAlb } from './aws-alb.js';
import { base64Der } from './base64-der.js';
import { base64Pem } from './base64-pem.js';
import { asChainError } from './chain-error.js';
import { nginx } from './nginx.js';
import { assertKnownKeys, didYouMean } from './options.js';
import { rfc9440 } from './rfc9440.js';
import type { FormatDecoder } from './types.js';
import { xfcc } from './xfcc.js';

export type ForwardedFormat = 'nginx' | 'apache' | 'apache-escaped' | 'base64-der' | 'base64-pem' | 'rfc9440' | 'xfcc' | 'aws-alb' | 'auto';
export { detectForwardedFormat, type DetectedFormat } from './auto.js';
export { percentDecodeStrict } from './percent-decode.js';
export { parseByteSequenceItem, parseByteSequenceList } from './structured-field.js';
export { parseXfcc, type XfccElement } from './xfcc-elements.js';

/** The format table: one decoder per format, one line per format. */
const DECODERS: Readonly<Record<DetectedFormat, FormatDecoder>> = {
  nginx,
  apache,
  'apache-escaped': apacheEscaped,
  'base64-der': base64Der,
  'base64-pem': base64Pem,
  rfc9440,
  xfcc,
  'aws-alb': awsAlb,
};

/** Every accepted `format` value. */
export const FORWARDED_FORMATS: readonly ForwardedFormat[] = Object.freeze([...(Object.keys(DECODERS) as DetectedFormat[]), 'auto']);

/** Default cap on one header value, in bytes. */
export const DEFAULT_MAX_HEADER_LENGTH = 16384;
/** At most this many intermediates are accepted after the leaf, from any source. */
export const MAX_CHAIN_CERTIFICATES = 8;

export interface ForwardedParseOptions {
  /** Cap per header value (the certificate's and each chain value), in bytes. Default 16384. */
  maxLength?: number;
  /** Raw values of separate chain headers, in order (Apache `SSL_CLIENT_CERT_CHAIN_n`, RFC 9440 `Client-Cert-Chain`). Default none. */
  chain?: readonly string[];
}

const OPTION_KEYS = ['maxLength', 'chain'] as const;

function tooLarge(what: string, length: number, maxLength: number): CertificateHeaderError {
  return new CertificateHeaderError('ERR_CERT_HEADER_TOO_LARGE', `${what} is ${length} bytes, over the cap of ${maxLength}`);
}

function decoderFor(format: ForwardedFormat, value: string): FormatDecoder {
  const decoder = format === 'auto' ? DECODERS[detectForwardedFormat(value)] : DECODERS[format as DetectedFormat];
  if (!decoder) throw new TypeError(`unknown forwarded certificate format "${String(format)}".${didYouMean(String(format), FORWARDED_FORMATS)}`);
  return decoder;
}

function separateChain(decoder: FormatDecoder, values: readonly string[], maxLength: number, format: ForwardedFormat): Buffer[] {
  if (!decoder.decodeChain) {
    // With `auto` the value chose the format, so this is hostile input, not caller misuse.
    if (format === 'auto') throw new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', 'chain headers arrived with a value whose format carries its chain inside it');
    throw new TypeError(`format "${format}" carries its chain inside the certificate value; it has no separate chain header`);
  }
  const decodeChain = decoder.decodeChain;
  const out: Buffer[] = [];
  let ended = false;
  for (const [index, value] of values.entries()) {
    if (typeof value !== 'string') throw new TypeError('options.chain must hold strings');
    if (value.length > maxLength) throw tooLarge(`chain value ${index}`, value.length, maxLength);
    let links: readonly Buffer[];
    try {
      links = decodeChain(value);
    } catch (error) {
      throw asChainError(error);
    }
    // A certificate after an absent one means the numbering has a hole: refuse rather than guess.
    if (links.length > 0 && ended) throw new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', `chain value ${index} follows an empty one`);
    if (links.length === 0) ended = true;
    out.push(...links);
  }
  return out;
}

/**
 * Decodes the client certificate a trusted proxy forwarded in a header, in the declared format,
 * and validates it (and each chain certificate) with a full parse.
 * - `options.maxLength`: cap per header value in bytes, checked before any decoding; default 16384.
 * - `options.chain`: raw values of separate chain headers, in order; default none.
 * `ERR_CERT_HEADER_EMPTY` ('') and `ERR_CERT_HEADER_ABSENT` (Apache's `(null)`) mean the proxy
 * says there is no certificate; every other code is a malformed or hostile value.
 * @returns a validated `ClientCertificate` with `source: 'header'` and `chain` filled
 * @throws {CertificateHeaderError} see docs/formats.md for the codes
 * @throws {TypeError} for an unknown format or option (caller misuse)
 * @see RFC 8705 section 3; RFC 9440 section 2
 */
export function parseForwardedCertificate(value: string, format: ForwardedFormat, options: ForwardedParseOptions = {}): ClientCertificate {
  if (typeof value !== 'string') throw new TypeError('the header value must be a string');
  if (!FORWARDED_FORMATS.includes(format)) throw new TypeError(`unknown forwarded certificate format "${String(format)}".${didYouMean(String(format), FORWARDED_FORMATS)}`);
  assertKnownKeys(options, OPTION_KEYS, 'parseForwardedCertificate');
  const maxLength = options.maxLength ?? DEFAULT_MAX_HEADER_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength <= 0) throw new TypeError('options.maxLength must be a positive integer');
  if (options.chain !== undefined && !Array.isArray(options.chain)) throw new TypeError('options.chain must be an array of strings');

  if (value.length > maxLength) throw tooLarge('the certificate header', value.length, maxLength);
  if (options.chain && options.chain.length > MAX_CHAIN_CERTIFICATES) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_TOO_LARGE', `more than ${MAX_CHAIN_CERTIFICATES} chain headers`);
  }
  if (value.length === 0) throw new CertificateHeaderError('ERR_CERT_HEADER_EMPTY', 'the certificate header is empty');

  const decoder = decoderFor(format, value);
  const decoded = decoder.decode(value);
  let chain = decoded.chain;
  if (options.chain && options.chain.length > 0) {
    const separate = separateChain(decoder, options.chain, maxLength, format);
    if (separate.length > 0 && chain.length > 0) {
      throw new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', 'a chain arrived both inside the value and in separate headers');
    }
    if (separate.length > 0) chain = separate;
  }
  if (chain.length > MAX_CHAIN_CERTIFICATES) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_TOO_LARGE', `${chain.length} chain certificates, over the cap of ${MAX_CHAIN_CERTIFICATES}`);
  }

  const certificate = ClientCertificate.fromDer(decoded.leaf, chain, 'header').validate();
  for (const link of certificate.chain) {
    try {
      link.validate();
    } catch (error) {
      throw asChainError(error);
    }
  }
  return certificate;
}
