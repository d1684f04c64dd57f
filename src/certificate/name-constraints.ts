import { relativeDistinguishedNamesEqual } from './distinguished-name.js';
import type { GeneralName, GeneralSubtree, PathExtensions } from './extensions.js';
import type { RelativeDistinguishedNames } from './fields.js';

/** Why a name falls outside an issuer's nameConstraints. */
export type NameConstraintVerdict = 'ok' | 'permitted' | 'excluded' | 'syntax' | 'unsupported';

const RFC822 = 1;
const DNS = 2;
const DIRECTORY = 4;
const URI = 6;
const IP = 7;

const lower = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
const ascii = (bytes: Buffer) => bytes.toString('latin1');

/** RFC 5280 section 4.2.1.10: a dNSName base matches itself and names with labels added on the left. */
function dnsMatches(name: string, base: string): boolean {
  if (base.length === 0) return true;
  if (name.length < base.length) return false;
  const tail = name.slice(name.length - base.length);
  if (name.length > base.length && !base.startsWith('.') && name[name.length - base.length - 1] !== '.') return false;
  return lower(tail) === lower(base);
}

/** rfc822Name: a mailbox, all mailboxes at a host, or (leading '.') every host in a domain. */
function emailMatches(name: string, base: string): boolean | 'syntax' {
  const at = name.lastIndexOf('@');
  if (at < 0) return 'syntax';
  const baseAt = base.lastIndexOf('@');
  if (baseAt < 0 && base.startsWith('.')) return name.length > base.length && lower(name.slice(name.length - base.length)) === lower(base);
  let host = base;
  if (baseAt >= 0) {
    // The local part compares exactly (RFC 5321 section 2.4: local parts may be case-sensitive).
    if (baseAt > 0 && base.slice(0, baseAt) !== name.slice(0, at)) return false;
    host = base.slice(baseAt + 1);
  }
  return lower(name.slice(at + 1)) === lower(host);
}

/** URI: the constraint applies to the host part; a leading '.' means any host in the domain. */
function uriMatches(name: string, base: string): boolean | 'syntax' {
  const colon = name.indexOf(':');
  if (colon < 0 || name.slice(colon + 1, colon + 3) !== '//') return 'syntax';
  const rest = name.slice(colon + 3);
  const end = rest.search(rest.includes(':') ? /:/ : /\//);
  const host = end < 0 ? rest : rest.slice(0, end);
  if (host.length === 0) return 'syntax';
  if (base.startsWith('.')) return host.length > base.length && lower(host.slice(host.length - base.length)) === lower(base);
  return lower(host) === lower(base);
}

/** iPAddress: address and mask, 8 octets for IPv4 and 32 for IPv6 (RFC 5280 section 4.2.1.10). */
function ipMatches(name: Buffer, base: Buffer): boolean | 'syntax' {
  if ((name.length !== 4 && name.length !== 16) || (base.length !== 8 && base.length !== 32)) return 'syntax';
  if (name.length * 2 !== base.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((name[i]! & base[name.length + i]!) !== (base[i]! & base[name.length + i]!)) return false;
  }
  return true;
}

/** directoryName: the base's RDNs are the first RDNs of the name, compared as issuer names are. */
function directoryMatches(name: RelativeDistinguishedNames, base: RelativeDistinguishedNames): boolean {
  return base.length <= name.length && base.every((rdn, index) => relativeDistinguishedNamesEqual(rdn, name[index]!));
}

function matchOne(name: GeneralName, base: GeneralName): boolean | 'syntax' | 'unsupported' {
  switch (name.type) {
    case DNS: return dnsMatches(ascii(name.bytes), ascii(base.bytes));
    case RFC822: return emailMatches(ascii(name.bytes), ascii(base.bytes));
    case URI: return uriMatches(ascii(name.bytes), ascii(base.bytes));
    case IP: return ipMatches(name.bytes, base.bytes);
    case DIRECTORY: return directoryMatches(name.directoryName ?? [], base.directoryName ?? []);
    default: return 'unsupported';
  }
}

/**
 * RFC 5280 section 6.1.3 (b), (c): a name of a type that has permitted subtrees must lie in one
 * of them, and in none of the excluded subtrees; a type without subtrees is unconstrained.
 * A constraint of a type this code cannot compare fails closed, as in OpenSSL.
 */
function checkName(name: GeneralName, permitted: readonly GeneralSubtree[], excluded: readonly GeneralSubtree[]): NameConstraintVerdict {
  let constrained = false;
  let inside = false;
  for (const subtree of permitted) {
    if (subtree.base.type !== name.type) continue;
    if (!subtree.distancesValid) return 'syntax';
    constrained = true;
    if (inside) continue;
    const match = matchOne(name, subtree.base);
    if (match === true) inside = true;
    else if (match !== false) return match;
  }
  if (constrained && !inside) return 'permitted';
  for (const subtree of excluded) {
    if (subtree.base.type !== name.type) continue;
    if (!subtree.distancesValid) return 'syntax';
    const match = matchOne(name, subtree.base);
    if (match === true) return 'excluded';
    if (match !== false) return match;
  }
  return 'ok';
}

/**
 * OpenSSL's reading of a commonName as a DNS-ID: letters, digits, `_`, inner `-` and `.`, with at
 * least one dot between two labels. Such a CN of a leaf without dNSName SANs is checked as a dNSName.
 */
export function commonNameAsDnsName(value: string): string | undefined {
  let dotted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (/[A-Za-z0-9_]/.test(c)) continue;
    if (i > 0 && i < value.length - 1) {
      if (c === '-') continue;
      if (c === '.' && value[i + 1] !== '.' && value[i - 1] !== '-' && value[i + 1] !== '-') {
        dotted = true;
        continue;
      }
    }
    return undefined;
  }
  return dotted ? value : undefined;
}

/** The names of a certificate that an issuer's nameConstraints govern. */
export interface ConstrainedNames {
  readonly subject: RelativeDistinguishedNames;
  readonly extensions: PathExtensions;
  /** commonName values, checked as dNSNames for a leaf without dNSName SANs. */
  readonly commonNames: readonly string[];
  readonly isLeaf: boolean;
}

/**
 * Checks every name of a certificate against one issuer's nameConstraints: the subject DN
 * (when not empty), emailAddress attributes of the subject as rfc822Names (RFC 5280 section
 * 4.2.1.10: "MUST be enforced"), every subjectAltName, and for the leaf, hostname-like CNs when
 * it has no dNSName SAN (as OpenSSL does).
 */
export function checkNameConstraints(names: ConstrainedNames, constraints: NonNullable<PathExtensions['nameConstraints']>): NameConstraintVerdict {
  const { permitted, excluded } = constraints;
  const check = (name: GeneralName) => checkName(name, permitted, excluded);
  if (names.subject.length > 0) {
    const verdict = check({ type: DIRECTORY, bytes: Buffer.alloc(0), directoryName: names.subject });
    if (verdict !== 'ok') return verdict;
    for (const email of names.extensions.subjectEmails) {
      if (!email.ia5) return 'syntax';
      const emailVerdict = check({ type: RFC822, bytes: Buffer.from(email.value, 'latin1') });
      if (emailVerdict !== 'ok') return emailVerdict;
    }
  }
  const altNames = names.extensions.subjectAltNames ?? [];
  for (const name of altNames) {
    const verdict = check(name);
    if (verdict !== 'ok') return verdict;
  }
  if (names.isLeaf && !altNames.some((name) => name.type === DNS)) {
    for (const commonName of names.commonNames) {
      const dnsName = commonNameAsDnsName(commonName);
      if (dnsName === undefined) continue;
      const verdict = check({ type: DNS, bytes: Buffer.from(dnsName, 'latin1') });
      if (verdict !== 'ok') return verdict;
    }
  }
  return 'ok';
}
