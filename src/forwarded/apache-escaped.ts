import { pemToDerList } from '../certificate/pem.js';
import { literalSet, percentDecodeStrict } from './percent-decode.js';
import { singlePem } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';

// ap_escape_uri leaves `+`, `/` and `=` as they are and writes lower-case escapes (`%20`, `%0a`).
const APACHE_ESCAPED_LITERALS = literalSet('+/=');

/**
 * Apache httpd `RequestHeader set X "expr=%{escape:%{SSL_CLIENT_CERT}}"`: percent-encoded PEM with
 * `+ / =` literal. Here a literal `+` is a base64 character, never a space. Empty means no certificate.
 */
export const apacheEscaped: FormatDecoder = {
  decode: (value) => singlePem(percentDecodeStrict(value, APACHE_ESCAPED_LITERALS)),
  decodeChain: (value) => (value === '' ? [] : pemToDerList(percentDecodeStrict(value, APACHE_ESCAPED_LITERALS))),
};
