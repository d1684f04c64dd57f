import { CertificateHeaderError } from '../certificate/errors.js';
import { decodeBase64Strict } from '../certificate/pem.js';
import { decodingChain } from './chain-error.js';
import type { FormatDecoder } from './types.js';

function derList(value: string): Buffer[] {
  if (value.startsWith('-----')) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'PEM armour is not base64 DER; pin the format that sends PEM (nginx, apache, aws-alb)');
  }
  // RFC 4648 section 4 alphabet only: no whitespace, no base64url, no armour, no empty element.
  return value.split(',').map((part, index) => (index === 0 ? decodeBase64Strict(part) : decodingChain(() => decodeBase64Strict(part))));
}

/**
 * Base64 DER without armour: IIS ARR `X-ARR-ClientCert`, ANCM `MS-ASPNETCORE-CLIENTCERT`,
 * HAProxy `%[ssl_c_der,base64]`, Caddy `certificate_der_base64`, and Traefik
 * `X-Forwarded-Tls-Client-Cert`, whose chain is joined by `,` with the leaf first.
 */
export const base64Der: FormatDecoder = {
  decode(value) {
    const [leaf, ...chain] = derList(value);
    return { leaf: leaf!, chain };
  },
  decodeChain: (value) => (value === '' ? [] : derList(value)),
};
