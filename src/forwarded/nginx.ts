import { pemToDerList } from '../certificate/pem.js';
import { percentDecodeStrict, literalSet } from './percent-decode.js';
import { singlePem } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';

// nginx escapes with NGX_ESCAPE_URI_COMPONENT: everything but the unreserved characters
// becomes %XX, so a literal `+`, `/`, `=` or space was not written by nginx.
const NGINX_LITERALS = literalSet();

/**
 * nginx `$ssl_client_escaped_cert`: the leaf as URL-encoded PEM (`%20`, `%0A`, `%2B`, `%2F`, `%3D`).
 * A literal `+` is refused (`ERR_CERT_HEADER_ENCODING`) rather than guessed at: nginx never sends
 * one, so a value with one came from another encoder, or through a form decoder that already lost data.
 * nginx has no chain variable; a separate chain header, if a deployment builds one, uses the same encoding.
 */
export const nginx: FormatDecoder = {
  decode: (value) => singlePem(percentDecodeStrict(value, NGINX_LITERALS)),
  decodeChain: (value) => pemToDerList(percentDecodeStrict(value, NGINX_LITERALS)),
};
