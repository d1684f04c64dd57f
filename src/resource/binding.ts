import { timingSafeEqual } from 'node:crypto';
import { refuse } from './errors.js';

// RFC 8705 section 3.1: base64url SHA-256 without padding is always exactly 43 characters.
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** The certificate binding a verified token asks for: none, or the `x5t#S256` bytes to compare. */
export type Binding = { bound: false } | { bound: true; thumbprint: Buffer };

/**
 * Reads the confirmation claim of a verified token (JWT claims or an introspection answer).
 * RFC 8705 section 3.1 (JWT) and 3.2 (introspection): `cnf` is an object whose `x5t#S256` member
 * is the certificate thumbprint. Computed once per token; the comparison runs per request.
 * @throws {BearerTokenError} 401 invalid_token when `cnf` is malformed or the policy needs a binding
 */
export function readBinding(claims: Record<string, unknown>, policy: 'required' | 'ifPresent'): Binding {
  const cnf = claims.cnf;
  if (cnf === undefined) {
    if (policy === 'required') throw refuse.token('ERR_BINDING_ABSENT', 'the access token is not bound to a certificate');
    return { bound: false };
  }
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    throw refuse.token('ERR_BINDING_MALFORMED', 'the access token has a malformed confirmation claim', `cnf is ${Array.isArray(cnf) ? 'an array' : typeof cnf}`);
  }
  const value = (cnf as Record<string, unknown>)['x5t#S256'];
  if (value === undefined) {
    // A token bound some other way (e.g. DPoP `jkt`) cannot be honoured as a bearer token here.
    throw refuse.token(policy === 'required' ? 'ERR_BINDING_ABSENT' : 'ERR_BINDING_UNSUPPORTED', 'the access token is not bound to a certificate', `cnf members: ${Object.keys(cnf).join(',').slice(0, 64)}`);
  }
  // Exact form only: hex, padded or otherwise re-encoded thumbprints are refused, never normalised.
  if (typeof value !== 'string' || !THUMBPRINT.test(value)) {
    throw refuse.token('ERR_BINDING_MALFORMED', 'the access token has a malformed confirmation claim', `x5t#S256 is ${typeof value === 'string' ? `a ${value.length}-character string` : typeof value}`);
  }
  return { bound: true, thumbprint: Buffer.from(value, 'latin1') };
}

/**
 * RFC 8705 section 3: the resource server MUST check that the certificate of this TLS
 * connection matches the one the token is bound to. Constant time, case-sensitive, exact.
 * @throws {BearerTokenError} 401 invalid_token without a certificate or with another one
 */
export function checkBinding(binding: Binding, certificateThumbprint: string | undefined): void {
  if (!binding.bound) return;
  if (certificateThumbprint === undefined) throw refuse.token('ERR_CERTIFICATE_ABSENT', 'the access token is bound to a client certificate; none was presented');
  const presented = Buffer.from(certificateThumbprint, 'latin1');
  if (presented.length !== binding.thumbprint.length || !timingSafeEqual(presented, binding.thumbprint)) {
    throw refuse.token('ERR_CERTIFICATE_MISMATCH', 'the access token is bound to another client certificate');
  }
}
