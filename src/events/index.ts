import type { CertificateErrorCode } from '../certificate/errors.js';

/**
 * The facts mtls-pop's middleware report through `onEvent`, for users who run their own metrics
 * (`mtls-pop serve` counts them with Prometheus). One event per fact; none carries a token,
 * a certificate or a header value.
 */
export type MtlsPopEvent =
  /** Certificate headers arrived from a peer that is not a trusted proxy (refused or removed): a forgery or a bypassed proxy. */
  | { readonly type: 'certificate_header_untrusted'; readonly peer: string; readonly headers: readonly string[] }
  /** A trusted proxy (or the TLS socket) reported a presented certificate as not verified. */
  | { readonly type: 'certificate_verify_failed'; readonly source: 'header' | 'tls'; readonly reason?: string }
  /** A forwarded certificate was refused: malformed, duplicated, misspelled, contradictory (400), or its path or revocation check failed (`ERR_CHAIN_*`, `ERR_REVOCATION_*`). */
  | { readonly type: 'certificate_refused'; readonly code: CertificateErrorCode | `ERR_${string}` }
  /** A protected-resource request was refused: `code` is the refusal code (`ERR_CERTIFICATE_MISMATCH`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_REVOKED`, ...). */
  | { readonly type: 'token_refused'; readonly code: string }
  /** The token endpoint issued an access token; `method` is the client's authentication method. */
  | { readonly type: 'token_issued'; readonly method: string; readonly bound: boolean };

export type MtlsPopEventType = MtlsPopEvent['type'];

/** Every event type, in documentation order. */
export const MTLS_POP_EVENT_TYPES: readonly MtlsPopEventType[] = Object.freeze([
  'certificate_header_untrusted', 'certificate_verify_failed', 'certificate_refused', 'token_refused', 'token_issued',
]);

/** The `onEvent` option of `clientCertificate`, `authorizationServer` and `requireCertificateBoundToken`. */
export type MtlsPopEventListener = (event: MtlsPopEvent) => void;

/** What the middleware calls: never throws, never awaits. */
export type EventSink = (event: MtlsPopEvent) => void;

const NOTHING: EventSink = () => undefined;

/**
 * Validates an `onEvent` option once, at construction, and wraps it: a listener that throws
 * (or returns a rejected promise) never breaks a request; its error is dropped, as a metrics
 * outage must not become an authentication outage.
 * @throws {TypeError} when `listener` is given but is not a function
 */
export function eventSink(listener: unknown, where: string): EventSink {
  if (listener === undefined) return NOTHING;
  if (typeof listener !== 'function') throw new TypeError(`${where}: onEvent must be a function (event) => void`);
  return (event) => {
    try {
      const returned: unknown = (listener as MtlsPopEventListener)(Object.freeze(event));
      if (returned instanceof Promise) returned.catch(() => undefined);
    } catch {
      // Dropped: see above.
    }
  };
}
