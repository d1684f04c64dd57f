import { CertificateHeaderError } from '../certificate/errors.js';
import { pemToDerList } from '../certificate/pem.js';
import { decodingChain } from './chain-error.js';
import { literalSet, percentDecodeStrict } from './percent-decode.js';
import { singlePem } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';
import { parseXfcc } from './xfcc-elements.js';

// Envoy escapes newline, space, `+`, `/` and `=`; a literal `+` would still be base64, never a space.
const XFCC_LITERALS = literalSet('+/=');

function only(element: readonly (readonly [string, string])[], key: string): string | undefined {
  let found: string | undefined;
  for (const [name, value] of element) {
    if (name !== key) continue;
    if (found !== undefined) throw new CertificateHeaderError('ERR_CERT_HEADER_MULTIPLE', `${key} appears twice in one element`);
    found = value;
  }
  return found;
}

/**
 * Envoy `x-forwarded-client-cert`. Only the LAST element is read: it is the one the nearest
 * proxy appended, while earlier ones travel from further away and can be written by the client.
 * `Cert` (URL-encoded PEM) is required; `Chain`, when present, is the whole chain, leaf first,
 * and its first certificate must be `Cert`.
 */
export const xfcc: FormatDecoder = {
  decode(value) {
    const elements = parseXfcc(value);
    const last = elements[elements.length - 1]!;
    const cert = only(last, 'cert');
    if (cert === undefined) {
      throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'the last x-forwarded-client-cert element has no Cert (set Envoy\'s set_current_client_cert_details.cert)');
    }
    const { leaf } = singlePem(percentDecodeStrict(cert, XFCC_LITERALS));
    const chainText = only(last, 'chain');
    if (chainText === undefined) return { leaf, chain: [] };
    const [first, ...chain] = decodingChain(() => pemToDerList(percentDecodeStrict(chainText, XFCC_LITERALS)));
    if (!first!.equals(leaf)) throw new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', 'the Chain of the last element does not start with its Cert');
    return { leaf, chain };
  },
};
