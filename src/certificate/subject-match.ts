import { isIP } from 'node:net';
import type { ClientCertificate } from './model.js';
import { distinguishedNamesEqual } from './distinguished-name.js';
import type { RelativeDistinguishedNames, SubjectAltNames } from './fields.js';

/** The one subject a `tls_client_auth` client registered (RFC 8705 section 2.1.2). */
export type ExpectedSubject =
  | { readonly kind: 'subject_dn'; readonly value: RelativeDistinguishedNames }
  | { readonly kind: 'san_dns' | 'san_uri' | 'san_ip' | 'san_email'; readonly value: string };

/**
 * The canonical text of an IP address: IPv4 dotted decimal, IPv6 compressed lower-case
 * (RFC 5952), or undefined when `text` is not an address.
 */
export function canonicalIp(text: string): string | undefined {
  // RFC 5280 section 4.2.1.6: an iPAddress SAN is 4 or 16 octets, so it never has a zone
  // (`fe80::1%eth0`), which net.isIP accepts and the URL parser refuses.
  if (text.includes('%')) return undefined;
  const version = isIP(text);
  if (version === 4) return text;
  if (version === 6) return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return undefined;
}

/**
 * Whether a SAN list holds the expected entry. RFC 8705 section 2.1.2: the dNSName, URI,
 * iPAddress or rfc822Name entry must match the registered value; dNSName case-insensitively
 * (RFC 4343), iPAddress by address rather than by text, URI and rfc822Name exactly.
 */
export function subjectAltNameMatches(kind: 'san_dns' | 'san_uri' | 'san_ip' | 'san_email', expected: string, names: SubjectAltNames): boolean {
  switch (kind) {
    case 'san_dns': {
      const wanted = expected.toLowerCase();
      return names.dns.some((name) => name.toLowerCase() === wanted);
    }
    case 'san_uri':
      return names.uri.includes(expected);
    case 'san_ip': {
      const wanted = canonicalIp(expected);
      return wanted !== undefined && names.ip.some((address) => canonicalIp(address) === wanted);
    }
    case 'san_email':
      return names.email.includes(expected);
  }
}

/** Whether the certificate carries the subject a `tls_client_auth` client registered. */
export function certificateSubjectMatches(certificate: ClientCertificate, expected: ExpectedSubject): boolean {
  if (expected.kind === 'subject_dn') return distinguishedNamesEqual(certificate.subjectName, expected.value);
  return subjectAltNameMatches(expected.kind, expected.value, certificate.subjectAltNames);
}
