import type { Request, Response } from 'express';
import { OAuthError, quoteAuthParam } from '../oauth/errors.js';
import type { IssuerContext } from './options.js';

/** RFC 6749 section 5.1: responses with tokens or credentials are not cached. */
export function noStore(res: Response): Response {
  return res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** A JSON answer that is never cached. Written directly: an ETag (res.json) is pointless for a fresh token. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  res.end(text);
}

/**
 * Answers an RFC 6749 section 5.2 error and writes exactly one log line (never the token or
 * secret). Errors that are not OAuthErrors become `server_error` without detail to the client.
 */
export function refuse(context: IssuerContext, req: Request, res: Response, endpoint: string, error: unknown, clientId?: string): void {
  const oauth = error instanceof OAuthError ? error : new OAuthError('server_error', 'the request could not be processed');
  const line = { event: 'issuer_refused', endpoint, client_id: clientId?.slice(0, 64), error: oauth.error, reason: oauth.detail ?? oauth.description, peer: req.socket.remoteAddress };
  if (error instanceof OAuthError) context.logger.warn(line, `${endpoint} refused`);
  else context.logger.error({ ...line, reason: (error as Error)?.message }, `${endpoint} failed`);
  noStore(res).status(oauth.status);
  // RFC 6749 section 5.2: a client that tried HTTP Basic gets 401 with a matching WWW-Authenticate.
  if (oauth.error === 'invalid_client' && /^basic /i.test(req.headers.authorization ?? '')) {
    res.set('WWW-Authenticate', `Basic realm=${quoteAuthParam(context.issuer)}, error="invalid_client", error_description=${quoteAuthParam(oauth.description)}`);
  }
  res.json(oauth.toJSON());
}

/** The client id a request claims (for the log line), from Basic credentials or the body. */
export function claimedClientId(req: Request): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    return decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : undefined;
  }
  const body = req.body as Record<string, unknown> | undefined;
  const id = body && typeof body === 'object' && Object.hasOwn(body, 'client_id') ? body.client_id : undefined;
  return typeof id === 'string' ? id : undefined;
}
