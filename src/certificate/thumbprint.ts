import { createHash } from 'node:crypto';

/**
 * The RFC 8705 `x5t#S256` of a certificate.
 * RFC 8705 section 3.1: base64url-encoded SHA-256 hash of the DER encoding, no padding.
 * This is the only place the thumbprint is computed: issuance, the resource check,
 * introspection and self-signed client authentication all call it.
 */
export function thumbprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}
