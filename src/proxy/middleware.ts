import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import { parseForwardedCertificate } from '../forwarded/index.js';
import { OAuthError } from '../oauth/errors.js';
import { DecodeCache } from './cache.js';
import { decideFromHeaders, decideFromTls, refuseCertificate, type Decision, type LogLine } from './decide.js';
import { collectForwardedHeaders, stripForwardedHeaders } from './headers.js';
import { compileOptions, type ClientCertificateOptions, type CompiledOptions } from './options.js';
import type { ClientCertificateVerification } from './request.js';
import { recordMiddlewareView, type CertificateMiddlewareView } from './seen.js';
import { certificateFromTlsSocket, type TlsClientCertificate } from './tls.js';

export type { ClientCertificateOptions } from './options.js';
export type { ClientCertificateVerification } from './request.js';

type CertificateRequest = IncomingMessage & {
  clientCertificate?: ClientCertificate;
  clientCertificateVerification?: ClientCertificateVerification;
};

/**
 * Express middleware that sets `req.clientCertificate` from a trusted proxy's header (or, with
 * `source: 'tls'`, from this process's TLS socket), and `req.clientCertificateVerification`.
 * The header is believed only when the TCP peer is in `trustedProxies` (default: nobody).
 * Answers (JSON, `Cache-Control: no-store`):
 * - 400 `invalid_request`: certificate headers from an untrusted peer (`untrusted: 'reject'`), or a
 *   duplicate, malformed or contradictory header from a trusted one (the description names the code);
 * - 401 `invalid_client`: `required: true` and no accepted certificate.
 * @throws {TypeError} at construction, for unknown or invalid options
 * @see RFC 8705 section 2 (mutual-TLS client authentication), RFC 6749 section 5.2 (error responses)
 */
export function clientCertificate(options?: ClientCertificateOptions): RequestHandler {
  const compiled = compileOptions(options);
  const cache = new DecodeCache(compiled.cacheSize);
  const views = middlewareViews(compiled);
  const handler = (req: CertificateRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    let decision: Decision;
    try {
      decision = decide(compiled, cache, views, req);
    } catch (error) {
      compiled.logger.error({ peer: req.socket.remoteAddress ?? 'unknown', error: error instanceof Error ? error.stack : String(error) }, 'client certificate middleware failed');
      send(res, new OAuthError('server_error', 'the client certificate could not be processed'));
      return;
    }
    if (decision.log) write(compiled, decision.log);
    if (decision.event) compiled.emit(decision.event);
    if (decision.kind === 'continue' && decision.verification?.status === 'FAILED') {
      compiled.emit({ type: 'certificate_verify_failed', source: compiled.source, ...(decision.verification.reason ? { reason: decision.verification.reason } : {}) });
    }
    if (decision.kind === 'refuse') {
      send(res, decision.error);
      return;
    }
    if (decision.strip) stripForwardedHeaders(req, collectForwardedHeaders(req.rawHeaders, compiled));
    const accept = () => {
      req.clientCertificate = decision.certificate;
      req.clientCertificateVerification = decision.verification;
      next();
    };
    if (!compiled.revocation || !decision.certificate) return accept();
    checkRevocation(compiled, req, decision.certificate).then((refusal) => (refusal ? send(res, refusal) : accept()), (error: unknown) => {
      compiled.logger.error({ peer: req.socket.remoteAddress ?? 'unknown', error: error instanceof Error ? error.message : String(error) }, 'client certificate revocation check failed');
      send(res, new OAuthError('server_error', 'the client certificate could not be processed'));
    });
  };
  return handler as unknown as RequestHandler;
}

/**
 * Validates the path and checks its revocation (RFC 5280 sections 6.1 and 6.3) for proxies that
 * verify nothing. Resolves with the refusal to send, or undefined to accept.
 */
async function checkRevocation(options: CompiledOptions, req: IncomingMessage, certificate: ClientCertificate): Promise<OAuthError | undefined> {
  const { validator, checker } = options.revocation!;
  try {
    const now = new Date();
    await checker.check(validator.validate(certificate, now).path, now);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !code.startsWith('ERR_')) throw error;
    options.emit({ type: 'certificate_refused', code: code as `ERR_${string}` });
    options.logger.warn({ peer: req.socket.remoteAddress ?? 'unknown', code, thumbprint: certificate.thumbprint, reason: (error as Error).message?.slice(0, 600) },
      'client certificate refused: path validation or revocation check failed');
    return new OAuthError('invalid_client', 'the client certificate is not accepted');
  }
}

/** What the middleware records per request depends only on the options and the peer's trust: built once. */
interface MiddlewareViews {
  readonly tls: CertificateMiddlewareView;
  readonly trusted: CertificateMiddlewareView;
  readonly untrusted: CertificateMiddlewareView;
}

function middlewareViews(options: CompiledOptions): MiddlewareViews {
  const header = (trusted: boolean): CertificateMiddlewareView => Object.freeze({
    source: 'header', trusted, header: options.header, verifyHeader: options.verifyHeader,
    chainHeader: options.chainHeader, chainIsNumbered: options.chainIsNumbered, format: options.format,
  });
  return {
    tls: Object.freeze({ source: 'tls', trusted: true, header: undefined, verifyHeader: undefined, chainHeader: undefined, chainIsNumbered: false, format: undefined }),
    trusted: header(true),
    untrusted: header(false),
  };
}

function decide(options: CompiledOptions, cache: DecodeCache, views: MiddlewareViews, req: IncomingMessage): Decision {
  if (options.source === 'tls') {
    const peer = req.socket.remoteAddress ?? 'unknown';
    let fromSocket: TlsClientCertificate;
    try {
      fromSocket = certificateFromTlsSocket(req.socket);
    } catch (error) {
      if (!(error instanceof CertificateHeaderError)) throw error;
      return refuseCertificate(error, { trusted: true, peer }, 'tls');
    }
    recordMiddlewareView(req, views.tls);
    return decideFromTls(options, peer, fromSocket.certificate, fromSocket.verification);
  }
  const copies = collectForwardedHeaders(req.rawHeaders, options);
  const verdict = options.peerTrust(req.socket);
  recordMiddlewareView(req, verdict.trusted ? views.trusted : views.untrusted);
  return decideFromHeaders(options, verdict, copies, cache, parseForwardedCertificate);
}

function write(options: CompiledOptions, line: LogLine): void {
  options.logger[line.level](line.fields, line.message);
}

function send(res: ServerResponse, error: OAuthError): void {
  const body = JSON.stringify(error.toJSON());
  res.statusCode = error.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
