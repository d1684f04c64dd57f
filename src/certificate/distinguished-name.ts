import type { NameAttribute, RelativeDistinguishedNames } from './fields.js';

/** RFC 4514 section 3: the attribute types that have a short name in the string form. */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function escapeValue(value: string): string {
  if (value.startsWith('#') && /^#([0-9a-f]{2})+$/.test(value)) return value; // hex form, section 2.4
  // RFC 4514 section 2.4: escape `"+,;<>\` and NUL anywhere, `#` or space first, space last.
  let out = value.replace(/["+,;<>\\]/g, '\\$&').replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

function formatAttribute(attribute: NameAttribute): string {
  return `${SHORT_NAMES[attribute.type] ?? attribute.type}=${escapeValue(attribute.value)}`;
}

/**
 * The RFC 4514 string of a distinguished name. RFC 4514 section 2.1: the RDNs are written
 * last first (the reverse of their DER order), separated by commas; multi-valued RDNs join with `+`.
 */
export function formatDistinguishedName(rdns: RelativeDistinguishedNames): string {
  return [...rdns].reverse().map((rdn) => rdn.map(formatAttribute).join('+')).join(',');
}
