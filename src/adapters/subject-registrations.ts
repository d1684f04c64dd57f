import { LRUCache } from 'lru-cache';
import { DistinguishedNameSyntaxError, parseDistinguishedName } from '../certificate/distinguished-name.js';
import type { ExpectedSubject } from '../certificate/subject-match.js';

const MAX_CACHED = 1000;

/**
 * The subjects clients registered, as `ExpectedSubject`s. A registered DN string is parsed once
 * (RFC 4514) and kept, so the per-request comparison is semantic without re-parsing; a DN that
 * cannot be parsed is remembered as its error.
 */
export class SubjectRegistrations {
  readonly #parsed = new LRUCache<string, ExpectedSubject | DistinguishedNameSyntaxError>({ max: MAX_CACHED });

  expected(kind: ExpectedSubject['kind'], value: string): ExpectedSubject | DistinguishedNameSyntaxError {
    if (kind !== 'subject_dn') return { kind, value };
    let parsed = this.#parsed.get(value);
    if (parsed === undefined) {
      try {
        parsed = { kind, value: parseDistinguishedName(value) };
      } catch (error) {
        if (!(error instanceof DistinguishedNameSyntaxError)) throw error;
        parsed = error;
      }
      this.#parsed.set(value, parsed);
    }
    return parsed;
  }
}
