import { CertificateHeaderError } from '../../certificate/errors.js';
import { DistinguishedNameSyntaxError, distinguishedNamesEqual, parseDistinguishedName } from '../../certificate/distinguished-name.js';
import type { RelativeDistinguishedNames } from '../../certificate/fields.js';
import type { ClientCertificate } from '../../certificate/model.js';
import type { ClientCertificateVerification } from '../request.js';
import type { VerificationReader } from './types.js';

const MAX_REASON_LENGTH = 200;

const unknown = (value: string): ClientCertificateVerification => ({
  status: 'UNKNOWN',
  reason: `unrecognised verify value ${JSON.stringify(value.slice(0, 40))}`,
});
const missing: ClientCertificateVerification = { status: 'UNKNOWN', reason: 'the verify header is missing' };

/**
 * OpenSSL-style results as nginx `$ssl_client_verify` and Apache `SSL_CLIENT_VERIFY` send them:
 * `SUCCESS`, `NONE`, `FAILED:reason` (Apache also `GENEROUS`: failed, let through by
 * `optional_no_ca`). Anything else is `UNKNOWN`.
 */
export function readOpensslStyle(value: string | undefined): ClientCertificateVerification {
  if (value === undefined) return missing;
  if (value === 'SUCCESS' || value === 'NONE') return { status: value };
  if (value.startsWith('FAILED:')) return { status: 'FAILED', reason: value.slice(7, 7 + MAX_REASON_LENGTH) };
  if (value === 'GENEROUS') return { status: 'FAILED', reason: 'GENEROUS' };
  return unknown(value);
}

export const opensslStyle: VerificationReader = ([value]) => readOpensslStyle(value);

/**
 * HAProxy `%[ssl_c_verify]`: OpenSSL's `X509_V_*` code, `0` for no error. HAProxy also says `0`
 * when the client sent no certificate, so `0` is `SUCCESS` only next to a certificate.
 */
export const opensslVerifyCode: VerificationReader = ([value], certificate) => {
  if (value === undefined) return certificate !== undefined ? missing : { status: 'NONE' };
  if (value === '0') return certificate !== undefined ? { status: 'SUCCESS' } : { status: 'NONE' };
  if (/^[1-9][0-9]{0,3}$/.test(value)) return { status: 'FAILED', reason: `X509_V_ERR ${value}` };
  return unknown(value);
};

/** Reads one boolean header as sent by `true`/`false` placeholders; `undefined` for any other value. */
export function readBoolean(value: string | undefined, truthy: readonly string[], falsy: readonly string[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (truthy.includes(value)) return true;
  if (falsy.includes(value)) return false;
  return undefined;
}

const TRUE = ['true', '1'];
const FALSE = ['false', '0'];

/**
 * Two boolean headers, "verified" then "revoked" (Cloudflare `cf-cert-verified` /
 * `cf-cert-revoked`): `SUCCESS` only for verified and explicitly not revoked, because
 * Cloudflare's verified flag stays true for a revoked certificate.
 */
export const verifiedNotRevoked: VerificationReader = ([verifiedValue, revokedValue], certificate) => {
  const verified = readBoolean(verifiedValue, TRUE, FALSE);
  const revoked = readBoolean(revokedValue, TRUE, FALSE);
  if (verified === undefined) return verifiedValue === undefined ? missing : unknown(verifiedValue);
  if (certificate === undefined) return verified ? { status: 'UNKNOWN', reason: 'the proxy reports a verified certificate but forwarded none' } : { status: 'NONE' };
  if (!verified) return { status: 'FAILED', reason: 'not verified by the proxy' };
  if (revoked === true) return { status: 'FAILED', reason: 'revoked' };
  if (revoked === false) return { status: 'SUCCESS' };
  return revokedValue === undefined ? { status: 'UNKNOWN', reason: 'the revocation header is missing' } : unknown(revokedValue);
};

/**
 * A boolean "chain verified" header and, optionally, an error header for the reason (Google
 * Cloud load balancers' `{client_cert_chain_verified}` and `{client_cert_error}`).
 */
export const chainVerified: VerificationReader = ([verifiedValue, errorValue], certificate) => {
  const verified = readBoolean(verifiedValue, ['true'], ['false']);
  if (verified === undefined) return verifiedValue === undefined ? missing : unknown(verifiedValue);
  if (certificate === undefined) return verified ? { status: 'UNKNOWN', reason: 'the proxy reports a verified certificate but forwarded none' } : { status: 'NONE' };
  if (verified) return { status: 'SUCCESS' };
  return { status: 'FAILED', reason: errorValue ? errorValue.slice(0, MAX_REASON_LENGTH) : 'not verified by the proxy' };
};

/** One boolean header written by the proxy's own configuration as `1` / `0` (Fastly VCL). */
export const oneOrZero: VerificationReader = ([value], certificate) => {
  const verified = readBoolean(value, ['1'], ['0']);
  if (verified === undefined) return value === undefined ? missing : unknown(value);
  if (certificate === undefined) return verified ? { status: 'UNKNOWN', reason: 'the proxy reports a verified certificate but forwarded none' } : { status: 'NONE' };
  return verified ? { status: 'SUCCESS' } : { status: 'FAILED', reason: 'not verified by the proxy' };
};

/**
 * The DN headers each (cached) certificate last matched: parsing and comparing two names costs
 * about 0.2 ms, more than the rest of a cached request, and repeats for every request of a client.
 */
const matchedNames = new WeakMap<ClientCertificate, string>();

function sameName(text: string, name: RelativeDistinguishedNames): boolean {
  try {
    return distinguishedNamesEqual(parseDistinguishedName(text), name);
  } catch (error) {
    if (error instanceof DistinguishedNameSyntaxError) return false;
    throw error;
  }
}

/**
 * OpenSSL-style verify value plus the subject and issuer DNs the proxy took from the TLS session
 * (ingress-nginx `ssl-client-subject-dn` / `ssl-client-issuer-dn`, nginx `$ssl_client_s_dn` /
 * `$ssl_client_i_dn`, RFC 2253). The controller sets those on every host that verifies, but sets
 * the certificate header only with `auth-tls-pass-certificate-to-upstream`: without it a client's
 * own certificate header travels next to a genuine `SUCCESS`. A certificate whose names differ from
 * the session's is refused (`ERR_CERT_VERIFY_MISMATCH`). Names are not a fingerprint: a forged
 * header with the same subject and issuer (a self-signed one under `optional_no_ca`) still passes,
 * so the pass flag must be on.
 */
export const opensslStyleWithNames: VerificationReader = ([verify, subject, issuer], certificate) => {
  const verification = readOpensslStyle(verify);
  // FAILED too: under optional_no_ca a client's own header beside its failing certificate must not pass as that one.
  if (certificate === undefined || (verification.status !== 'SUCCESS' && verification.status !== 'FAILED')) return verification;
  if (subject === undefined || issuer === undefined) {
    return verification.status === 'SUCCESS' ? { status: 'UNKNOWN', reason: 'the subject or issuer DN header is missing' } : verification;
  }
  const names = `${subject}\n${issuer}`;
  if (matchedNames.get(certificate) === names) return verification;
  if (!sameName(subject, certificate.subjectName) || !sameName(issuer, certificate.issuerName)) {
    throw new CertificateHeaderError('ERR_CERT_VERIFY_MISMATCH', 'the certificate header does not match the subject and issuer of the verified TLS session');
  }
  matchedNames.set(certificate, names);
  return verification;
};
