/**
 * Header values built exactly as each proxy's own code encodes them, from the PEM fixtures
 * (openssl writes PEM as Go's encoding/pem does: 64-column base64 lines, a final newline).
 * Each encoder cites the code it follows.
 */
import { execFileSync } from 'node:child_process';
import { pkiPath, readPki } from '../../helpers/fixtures.js';

/** The PEM blocks of a fixture, each with its final newline. */
export function pemBlocks(file: string): string[] {
  return [...readPki(file).matchAll(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----\n/g)].map((match) => match[0]);
}

/** The DER of each certificate in a fixture. */
export const derBlocks = (file: string): Buffer[] => pemBlocks(file).map((pem) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64'));

/**
 * The oracle: `openssl x509 -outform DER | openssl dgst -sha256 -binary`, base64url (RFC 8705
 * section 3.1), for the first certificate of a fixture.
 */
export function opensslDerThumbprint(file: string): string {
  const der = execFileSync('openssl', ['x509', '-in', pkiPath(file), '-outform', 'DER']);
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64url');
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's `url.QueryEscape` (net/url `escape(s, encodeQueryComponent)`): unreserved kept, space as `+`, else `%XX` upper-case. */
export function goQueryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : byte === 0x20 ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** nginx `ngx_escape_uri(NGX_ESCAPE_URI_COMPONENT)` as `$ssl_client_escaped_cert` uses it: unreserved kept, else `%XX` upper-case. */
export function nginxEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Traefik `passTLSClientCert` with `pem: true` (pkg/middlewares/passtlsclientcert: `sanitize`, `getCertificates`). */
export function traefikPassTlsClientCert(file: string): string {
  return pemBlocks(file).map((pem) => pem.replace('-----BEGIN CERTIFICATE-----', '').replace('-----END CERTIFICATE-----', '').replaceAll('\n', '')).join(',');
}

/**
 * Traefik's ingress-nginx `auth-tls-pass-certificate-to-upstream` (pkg/middlewares/ingressnginx/
 * authtlspasscertificatetoupstream: `extractCertificatePEM`): `url.QueryEscape` of the leaf's PEM, `+` replaced by `%20`.
 */
export function traefikIngressNginxCert(file: string): string {
  return goQueryEscape(pemBlocks(file)[0]!).replaceAll('+', '%20');
}

/** Base64 of the leaf's DER, one line, padded: HAProxy `%[ssl_c_der,base64]`, Caddy `certificate_der_base64` (Go `base64.StdEncoding`). */
export const base64Leaf = (file: string): string => derBlocks(file)[0]!.toString('base64');

/**
 * Envoy's `Http::Utility::PercentEncoding::urlEncode`: ALPHA, DIGIT, `*`, `-`, `.`, `_` kept, every
 * other byte `%XX` upper-case (as quoted by grpc's ext_authz, which mirrors it).
 */
export function envoyUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9*\-._]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * One XFCC element as Envoy's `mutateXfccRequestHeader` (source/common/http/conn_manager_utility.cc)
 * writes it with `set_current_client_cert_details { cert, chain, subject, uri }`:
 * `By=`, `Hash=` (SHA-256 hex of the DER), `Cert="…"`, `Chain="…"` (every PEM, leaf first), `Subject="…"`, `URI=`.
 */
export function xfccElement(file: string, options: { by: string; subject: string; uri?: string; cert?: boolean; chain?: boolean }): string {
  const blocks = pemBlocks(file);
  const hash = execFileSync('openssl', ['dgst', '-sha256', '-hex', '-r'], { input: derBlocks(file)[0]! }).toString().split(' ')[0];
  const parts = [`By=${options.by}`, `Hash=${hash}`];
  if (options.cert !== false) parts.push(`Cert="${envoyUrlEncode(blocks[0]!)}"`);
  if (options.chain) parts.push(`Chain="${blocks.map(envoyUrlEncode).join('')}"`);
  parts.push(`Subject="${options.subject}"`, `URI=${options.uri ?? ''}`);
  return parts.join(';');
}

/** Python-style `quote(pem, safe='+=/')`, as AWS documents ALB's encoding: unreserved and `+ = /` kept. */
export function albQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~+=/]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 9440 section 2: `:<base64 DER>:`; the chain an sf-list, `, `-separated, leaf excluded. */
export const rfc9440Leaf = (file: string): string => `:${derBlocks(file)[0]!.toString('base64')}:`;
export const rfc9440Chain = (file: string): string => derBlocks(file).slice(1).map((der) => `:${der.toString('base64')}:`).join(', ');

/** Fastly `tls.client.certificate.raw_certificate_b64`: base64 of the leaf's PEM text. */
export const base64OfPem = (file: string): string => Buffer.from(pemBlocks(file)[0]!, 'latin1').toString('base64');

/**
 * nginx `$ssl_client_s_dn` / `$ssl_client_i_dn` (since 1.11.6): `X509_NAME_print_ex(…, XN_FLAG_RFC2253)`,
 * which is what `openssl x509 -nameopt RFC2253` prints. ingress-nginx forwards them as
 * `ssl-client-subject-dn` / `ssl-client-issuer-dn`.
 */
export function nginxDn(file: string, which: 'subject' | 'issuer'): string {
  return execFileSync('openssl', ['x509', '-in', pkiPath(file), '-noout', `-${which}`, '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(/^(subject|issuer)=/, '');
}
