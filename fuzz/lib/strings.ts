import fc from 'fast-check';

/** Fragments that matter to our parsers: escapes, separators, quotes, armour, odd code points. */
export const SPECIAL_FRAGMENTS: readonly string[] = [
  '%', '%0', '%0A', '%0a', '%20', '%2B', '%2b', '%2F', '%3D', '%3d', '%zz', '%%', '%%41', '%u0041', '%C3%A9', '%00', '%FF', '%ff',
  ',', ';', '=', '"', '\\', '\\"', '"\\', ':', '::', ' ', '\t', '\r', '\n', '\r\n', '+', '/', '==', '-', '_',
  '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN%20CERTIFICATE-----', '-----END%20CERTIFICATE-----',
  '-----', 'BEGIN', '(null)', 'Cert=', 'cert=', 'By=', 'Hash=', 'Chain=', 'Subject=', 'URI=', 'DNS=', 'Cert="', '";',
  ':MII', 'MII', ';a=1', '\u0000', '\u007f', '\u0080', '\u00a0', '\u00e9', '\u2028', '\ufeff', '\ud800', '\udc00', '\u{1f600}', '\uffff',
];

/** A random string of any kind: ASCII, full unicode, lone surrogates, or a run of special fragments. */
export function randomText(maxLength = 200): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.constantFrom(...'%,;="\\: \t+/=ABCabc019'), maxLength }),
    fc.array(fc.constantFrom(...SPECIAL_FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join('')),
  );
}

/** One edit of a string; positions are taken modulo the length when applied. */
export type StringEdit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; length: number; text: string }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'case'; at: number; length: number };

const fragment = fc.oneof(fc.constantFrom(...SPECIAL_FRAGMENTS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));

export const stringEdit: fc.Arbitrary<StringEdit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fragment }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }), text: fragment }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 0x7f }) }),
  fc.record({ kind: fc.constant('case' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);

function toggleCase(text: string): string {
  return text.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}

/** Applies edits in order; each keeps the string a string (lone surrogates included). */
export function applyStringEdits(seed: string, edits: readonly StringEdit[]): string {
  let text = seed;
  for (const edit of edits) {
    const at = text.length === 0 ? 0 : edit.at % (text.length + 1);
    switch (edit.kind) {
      case 'insert': text = text.slice(0, at) + edit.text + text.slice(at); break;
      case 'delete': text = text.slice(0, at) + text.slice(at + edit.length); break;
      case 'replace': text = text.slice(0, at) + edit.text + text.slice(at + edit.length); break;
      case 'repeat': text = text.slice(0, at) + text.slice(at, at + edit.length).repeat(edit.times) + text.slice(at + edit.length); break;
      case 'truncate': text = text.slice(0, at); break;
      case 'flip': if (at < text.length) text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ edit.mask) + text.slice(at + 1); break;
      case 'case': text = text.slice(0, at) + toggleCase(text.slice(at, at + edit.length)) + text.slice(at + edit.length); break;
    }
  }
  return text;
}

/** A real sample with one to four edits. */
export function mutatedString(seeds: readonly string[], maxEdits = 4): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(stringEdit, { minLength: 1, maxLength: maxEdits }))
    .map(([seed, edits]) => applyStringEdits(seed, edits));
}

/** A value padded with `filler` up to about `cap` characters: inputs near the length cap. */
export function nearCap(seeds: readonly string[], cap: number): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.constantFrom(...SPECIAL_FRAGMENTS, 'A', ',', ':AAAA:,', 'By=a;', '%41'), fc.integer({ min: -8, max: 8 }), fc.boolean())
    .map(([seed, filler, delta, before]) => {
      const room = Math.max(0, cap + delta - seed.length);
      const pad = filler.repeat(Math.ceil(room / filler.length)).slice(0, room);
      return before ? pad + seed : seed + pad;
    });
}
