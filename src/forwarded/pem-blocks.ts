import { CertificateHeaderError } from '../certificate/errors.js';
import { pemToDerList } from '../certificate/pem.js';
import type { DecodedCertificates } from './types.js';

/** Exactly one PEM certificate (nginx, Apache): a second block is `ERR_CERT_HEADER_MULTIPLE`. */
export function singlePem(pem: string): DecodedCertificates {
  const list = pemToDerList(pem);
  if (list.length !== 1) throw new CertificateHeaderError('ERR_CERT_HEADER_MULTIPLE', `expected one certificate, found ${list.length}`);
  return { leaf: list[0]!, chain: [] };
}

/** One or more PEM certificates, leaf first, then its chain (AWS ALB passthrough). */
export function pemChain(pem: string): DecodedCertificates {
  const [leaf, ...chain] = pemToDerList(pem);
  return { leaf: leaf!, chain };
}
