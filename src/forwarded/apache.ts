import { CertificateHeaderError } from '../certificate/errors.js';
import { singlePem } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';

/** What mod_headers writes for `%{SSL_CLIENT_CERT}s` (and each `SSL_CLIENT_CERT_CHAIN_n`) when there is none. */
export const APACHE_ABSENT = '(null)';

/**
 * Apache httpd `RequestHeader set X "%{SSL_CLIENT_CERT}s"`: the leaf as PEM whose newlines
 * mod_headers turned into spaces; the literal `(null)` means "no certificate" (`ERR_CERT_HEADER_ABSENT`).
 * Chain headers (`%{SSL_CLIENT_CERT_CHAIN_0}s`, `_1`...) carry one PEM each, `(null)` past the end.
 */
export const apache: FormatDecoder = {
  decode(value) {
    if (value === APACHE_ABSENT) throw new CertificateHeaderError('ERR_CERT_HEADER_ABSENT', 'Apache reports no client certificate');
    return singlePem(value);
  },
  decodeChain(value) {
    if (value === APACHE_ABSENT || value === '') return [];
    return [singlePem(value).leaf];
  },
};
