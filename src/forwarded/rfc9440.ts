import { parseByteSequenceItem, parseByteSequenceList } from './structured-field.js';
import type { FormatDecoder } from './types.js';

/**
 * RFC 9440: `Client-Cert` is one sf-binary Item, `:<base64 DER>:` (section 2.2);
 * `Client-Cert-Chain` is an sf-list of byte sequences, leaf excluded (section 2.3),
 * and may arrive split over several field lines (each line is passed as one chain value).
 */
export const rfc9440: FormatDecoder = {
  decode: (value) => ({ leaf: parseByteSequenceItem(value), chain: [] }),
  decodeChain: (value) => parseByteSequenceList(value),
};
