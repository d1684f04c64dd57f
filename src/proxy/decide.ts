import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import type { ForwardedFormat, ForwardedParseOptions } from '../forwarded/index.js';
import { OAuthError } from '../oauth/errors.js';
import { cacheKey, type DecodeCache } from './cache.js';
import { chainValues, hasForwardedHeaders, singleValue, type ForwardedHeaderCopies } from './headers.js';
import type { CompiledOptions } from './options.js';
import type { ClientCertificateVerification } from './request.js';
import type { PeerVerdict } from './trust.js';
import type { MtlsPopEvent } from '../events/index.js';

/** One log line: level, structured fields, message. */
export interface LogLine {
  readonly level: 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** What the middleware does with a request; computed without I/O. */
export type Decision =
  | { readonly kind: 'continue'; readonly certificate?: ClientCertificate; readonly verification?: ClientCertificateVerification; readonly strip: boolean; readonly log?: LogLine; readonly event?: MtlsPopEvent }
  | { readonly kind: 'refuse'; readonly error: OAuthError; readonly log: LogLine; readonly event?: MtlsPopEvent };

/** The decoder the decision calls on a cache miss (`parseForwardedCertificate`). */
export type Decoder = (value: string, format: ForwardedFormat, options: ForwardedParseOptions) => ClientCertificate;

/** The proxy's way of saying "no certificate": an empty value or Apache's `(null)`. */
const SAYS_NO_CERTIFICATE = new Set(['ERR_CERT_HEADER_EMPTY', 'ERR_CERT_HEADER_ABSENT']);

/** The decision for `source: 'header'`, from the peer's verdict and the forwarding headers it sent. */
export function decideFromHeaders(options: CompiledOptions, verdict: PeerVerdict, copies: ForwardedHeaderCopies, cache: DecodeCache, decode: Decoder): Decision {
  if (!verdict.trusted) {
    if (!hasForwardedHeaders(copies)) return requireIfNeeded(options, { kind: 'continue', strip: false }, verdict);
    const log: LogLine = {
      level: 'warn',
      fields: { peer: verdict.peer, headers: copies.names },
      message: `client certificate headers from a peer that is not a trusted proxy were ${options.untrusted === 'reject' ? 'refused' : 'removed'}`,
    };
    const event: MtlsPopEvent = { type: 'certificate_header_untrusted', peer: verdict.peer, headers: copies.names };
    if (options.untrusted === 'reject') {
      return { kind: 'refuse', error: new OAuthError('invalid_request', 'client certificate headers are accepted only from a trusted proxy'), log, event };
    }
    return requireIfNeeded(options, { kind: 'continue', strip: true, log, event }, verdict);
  }
  try {
    return requireIfNeeded(options, fromTrustedProxy(options, verdict, copies, cache, decode), verdict);
  } catch (error) {
    if (!(error instanceof CertificateHeaderError)) throw error;
    return refuseCertificate(error, verdict, options.header);
  }
}

function fromTrustedProxy(options: CompiledOptions, verdict: PeerVerdict, copies: ForwardedHeaderCopies, cache: DecodeCache, decode: Decoder): Decision {
  if (copies.suspicious.length > 0) {
    throw new CertificateHeaderError('ERR_CERT_HEADER_NAME', `forwarding header spelled ${copies.suspicious.map((name) => JSON.stringify(name)).join(', ')}, which the proxy does not set`);
  }
  const value = singleValue(copies.certificate, options.header);
  const verifyValues = options.verifyHeaders.map((name, index) => singleValue(copies.verify[index]!, name));
  // Only `Client-Cert-Chain` is a list; `Client-Cert` itself stays single (RFC 9440 section 2.2).
  const chain = options.chainHeader === undefined ? [] : chainValues(copies, options.chainHeader, !options.chainIsNumbered && options.format === 'rfc9440');
  let certificate: ClientCertificate | undefined;
  if (value !== undefined && value !== '') {
    for (const part of [value, ...chain]) {
      if (part.length > options.maxHeaderLength) throw new CertificateHeaderError('ERR_CERT_HEADER_TOO_LARGE', `a value is longer than ${options.maxHeaderLength} bytes`);
    }
    const outcome = cache.get(cacheKey(options.format, value, chain), () => decode(value, options.format, { maxLength: options.maxHeaderLength, chain }));
    if ('error' in outcome) {
      if (!SAYS_NO_CERTIFICATE.has(outcome.error.code)) return refuseCertificate(outcome.error, verdict, options.header);
    } else {
      certificate = outcome.certificate;
    }
  }
  const verification = options.verifyHeaders.length > 0 ? options.readVerification(verifyValues, certificate) : { status: certificate ? 'UNKNOWN' : 'NONE' } as const;
  // A proxy that says NONE next to a certificate (or SUCCESS without one) is misconfigured or bypassed.
  if ((certificate && verification.status === 'NONE') || (!certificate && verification.status === 'SUCCESS')) {
    throw new CertificateHeaderError('ERR_CERT_VERIFY_MISMATCH', `${options.verifyHeader} is ${verification.status} but the certificate header is ${certificate ? 'set' : 'empty'}`);
  }
  return acceptIfVerified(options, verdict, certificate, verification);
}

/** The decision for `source: 'tls'`, from what the socket's handshake established. */
export function decideFromTls(options: CompiledOptions, peer: string, certificate: ClientCertificate | undefined, verification: ClientCertificateVerification): Decision {
  const verdict: PeerVerdict = { trusted: true, peer };
  return requireIfNeeded(options, acceptIfVerified(options, verdict, certificate, verification), verdict);
}

function acceptIfVerified(options: CompiledOptions, verdict: PeerVerdict, certificate: ClientCertificate | undefined, verification: ClientCertificateVerification): Decision {
  if (!certificate || !options.requireVerified || verification.status === 'SUCCESS') {
    return { kind: 'continue', certificate, verification, strip: false };
  }
  const log: LogLine = {
    level: 'warn',
    fields: { peer: verdict.peer, thumbprint: certificate.thumbprint, verification },
    message: 'client certificate not accepted: not verified (requireVerified)',
  };
  return { kind: 'continue', verification, strip: false, log };
}

/** `required: true`: no accepted certificate is a 401 (RFC 8705 section 2: the client authenticates with it). */
function requireIfNeeded(options: CompiledOptions, decision: Decision, verdict: PeerVerdict): Decision {
  if (decision.kind === 'refuse' || decision.certificate || !options.required) return decision;
  const unverified = decision.verification?.status === 'FAILED' || decision.verification?.status === 'UNKNOWN';
  const description = decision.log && unverified ? 'the client certificate was not verified' : 'a client certificate is required';
  const log: LogLine = decision.log
    ? { ...decision.log, message: `${decision.log.message}; answered 401 (required)` }
    : { level: 'warn', fields: { peer: verdict.peer }, message: 'request without a client certificate answered 401 (required)' };
  return { kind: 'refuse', error: new OAuthError('invalid_client', description), log, ...(decision.event ? { event: decision.event } : {}) };
}

/** A 400 naming the certificate error's code; the detail (and any internal cause) goes to the log only. */
export function refuseCertificate(error: CertificateHeaderError, verdict: PeerVerdict, header: string): Decision {
  const internal = error.cause !== undefined;
  return {
    kind: 'refuse',
    event: { type: 'certificate_refused', code: error.code },
    error: new OAuthError('invalid_request', `the client certificate was refused (${error.code})`),
    log: {
      level: internal ? 'error' : 'warn',
      fields: { peer: verdict.peer, header, code: error.code, detail: error.message, ...(internal ? { cause: describe(error.cause) } : {}) },
      message: 'forwarded client certificate refused',
    },
  };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause);
}
