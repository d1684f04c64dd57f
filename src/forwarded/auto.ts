import { CertificateHeaderError } from '../certificate/errors.js';
import { APACHE_ABSENT } from './apache.js';
import { BASE64_PEM_PREFIX } from './base64-pem.js';

/** A concrete format, as `detectForwardedFormat` names it. */
export type DetectedFormat = 'nginx' | 'apache' | 'apache-escaped' | 'base64-der' | 'base64-pem' | 'rfc9440' | 'xfcc' | 'aws-alb';

const ESCAPED_BEGIN = '-----BEGIN%20CERTIFICATE-----';
const XFCC_KEY = /^(?:by|hash|cert|chain|subject|uri|dns)=/i;
const BASE64_START = /^[A-Za-z0-9+/]/;

function hasLowerCaseEscape(value: string): boolean {
  for (let at = value.indexOf('%'); at >= 0; at = value.indexOf('%', at + 1)) {
    if (/[a-f]/.test(value.slice(at + 1, at + 3))) return true;
  }
  return false;
}

/**
 * The format of a forwarded value, decided from the value alone, in this order:
 * 1. `(null)` or a literal `-----BEGIN CERTIFICATE-----` (spaces, not escapes): apache;
 * 2. `:`: rfc9440;
 * 3. `-----BEGIN%20CERTIFICATE-----`: apache-escaped if any escape uses lower-case hex,
 *    else aws-alb if a literal `+`, `/` or `=` appears, else nginx;
 * 4. a known Envoy key then `=` (`By=`, `Hash=`, `Cert=`, `Chain=`, `Subject=`, `URI=`, `DNS=`): xfcc;
 * 5. base64 of `-----BEGIN` (`LS0tLS1CRUdJTi`): base64-pem;
 * 6. a base64 character (a DER certificate's base64 starts `MI`): base64-der.
 * The prefixes exclude each other, so at most one rule matches. Deployments should still pin
 * their proxy's format: detection widens what a misconfigured proxy can get accepted.
 * @throws {CertificateHeaderError} `ERR_CERT_HEADER_FORMAT` when nothing matches
 */
export function detectForwardedFormat(value: string): DetectedFormat {
  if (value === APACHE_ABSENT || value.startsWith('-----BEGIN CERTIFICATE-----')) return 'apache';
  if (value.startsWith(':')) return 'rfc9440';
  if (value.startsWith(ESCAPED_BEGIN)) {
    if (hasLowerCaseEscape(value)) return 'apache-escaped';
    for (let at = 0; at < value.length; at++) {
      const code = value.charCodeAt(at);
      if (code === 0x2b || code === 0x2f || code === 0x3d) return 'aws-alb';
    }
    return 'nginx';
  }
  if (XFCC_KEY.test(value)) return 'xfcc';
  if (value.startsWith(BASE64_PEM_PREFIX)) return 'base64-pem';
  if (BASE64_START.test(value)) return 'base64-der';
  throw new CertificateHeaderError('ERR_CERT_HEADER_FORMAT', 'the value matches no known forwarding format');
}
