import { LRUCache } from 'lru-cache';
import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';

/** The outcome of decoding one header value: a certificate, or the typed error it deserved. */
export type DecodeOutcome = { readonly certificate: ClientCertificate } | { readonly error: CertificateHeaderError };

/** Memory budget per entry: the key (the header value) plus the DER bytes it decoded to. */
const BYTES_PER_ENTRY = 8192;

/**
 * Decoded header values, keyed by format + value (+ chain values), so that a client's repeated
 * requests cost a map lookup instead of a decode and an X.509 parse. Failures are cached too:
 * the same malformed value from a broken proxy then costs a lookup, not a parse, each time.
 * Bounded by `size` entries and by about `size` x 8 KiB of keys and DER.
 */
export class DecodeCache {
  readonly #cache: LRUCache<string, DecodeOutcome> | undefined;
  #misses = 0;

  constructor(size: number) {
    this.#cache = size === 0 ? undefined : new LRUCache<string, DecodeOutcome>({
      max: size,
      maxSize: size * BYTES_PER_ENTRY,
      sizeCalculation: (outcome, key) => key.length + ('certificate' in outcome ? derBytes(outcome.certificate) : 64),
    });
  }

  /** The cached outcome for `key`, or the result of `decode()` (stored before it is returned). */
  get(key: string, decode: () => ClientCertificate): DecodeOutcome {
    const hit = this.#cache?.get(key);
    if (hit) return hit;
    this.#misses++;
    let outcome: DecodeOutcome;
    try {
      outcome = { certificate: decode() };
    } catch (error) {
      outcome = { error: asHeaderError(error) };
    }
    this.#cache?.set(key, outcome);
    return outcome;
  }

  /** How many lookups had to decode (for tests and the benchmark). */
  get misses(): number {
    return this.#misses;
  }
}

/** The cache key: the format, then each value, separated by a byte no header value can hold. */
export function cacheKey(format: string, value: string, chain: readonly string[]): string {
  return chain.length === 0 ? `${format}\n${value}` : `${format}\n${value}\n${chain.join('\n')}`;
}

function derBytes(certificate: ClientCertificate): number {
  return certificate.chain.reduce((sum, link) => sum + link.der.length, certificate.der.length);
}

/**
 * A decoder failure that is not a `CertificateHeaderError` is a bug on our side, but its input
 * still came from outside: it becomes `ERR_CERT_INVALID` (a 400), and its stack stays in our log.
 */
function asHeaderError(error: unknown): CertificateHeaderError {
  if (error instanceof CertificateHeaderError) return error;
  const wrapped = new CertificateHeaderError('ERR_CERT_INVALID', 'the certificate header could not be decoded');
  wrapped.cause = error;
  return wrapped;
}
