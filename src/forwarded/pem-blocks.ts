import { CertificateHeaderError } from '../certificate/errors.js';
import { pemToDer, pemToDerList } from '../certificate/pem.js';
import { decodingChain } from './chain-error.js';
import type { DecodedCertificates } from './types.js';

/** Exactly one PEM certificate (nginx, Apache): a second block is `ERR_CERT_HEADER_MULTIPLE`. */
export function singlePem(pem: string): DecodedCertificates {
  const list = pemToDerList(pem);
  if (list.length !== 1) throw new CertificateHeaderError('ERR_CERT_HEADER_MULTIPLE', `expected one certificate, found ${list.length}`);
  return { leaf: list[0]!, chain: [] };
}

const BEGIN = '-----BEGIN CERTIFICATE-----';

/**
 * One or more PEM certificates, leaf first, then its chain (AWS ALB passthrough). A block after
 * the first that fails to decode is a chain certificate: `ERR_CERT_CHAIN_INVALID`.
 */
export function pemChain(pem: string): DecodedCertificates {
  const text = pem.trim();
  const second = text.indexOf(BEGIN, BEGIN.length);
  if (second < 0) return { leaf: pemToDer(text), chain: [] };
  // The leaf's own block ends before the second BEGIN; a leaf without its END is the leaf's fault.
  const leafText = text.slice(0, second);
  const leaf = pemToDer(leafText);
  return { leaf, chain: decodingChain(() => pemToDerList(text.slice(second))) };
}
