import type { IncomingMessage } from 'node:http';
import { refuse } from './errors.js';

// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token, where
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". The scheme is case-insensitive.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Whether a header value uses the Bearer scheme: `Bearer` alone or followed by a space. */
function isBearerScheme(header: string): boolean {
  return header.length >= 6 && header.slice(0, 6).toLowerCase() === 'bearer' && (header.length === 6 || header.charCodeAt(6) === 0x20);
}

/**
 * RFC 6750 section 2.1 b64token syntax. The middleware runs it only on a token-cache miss:
 * the cache holds nothing but tokens that passed it, keyed by their exact string.
 */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

function hasQueryToken(url: string | undefined): boolean {
  const start = url === undefined ? -1 : url.indexOf('?');
  if (start === -1) return false;
  return new URLSearchParams(url!.slice(start + 1)).has('access_token');
}

// RFC 6750 section 2.2 defines the body method for form-encoded bodies only; a JSON field of that name is the API's business.
function hasBodyToken(req: IncomingMessage & { body?: unknown }): boolean {
  const body = req.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'access_token')) return false;
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * The bearer token of a request, from the Authorization header only.
 * RFC 6750 section 2: clients MUST NOT use more than one method per request; we accept only
 * the header (section 2.1), because query strings and form bodies end up in logs and caches.
 * @returns the credentials after `Bearer` and its spaces (check them with isB64Token unless they
 *   are a cached token), or undefined when the request carries no Bearer credentials at all
 * @throws {BearerTokenError} 400 invalid_request for a malformed, repeated or misplaced token
 */
export function extractBearerToken(req: IncomingMessage & { body?: unknown }): string | undefined {
  let header: string | undefined;
  let count = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      header = raw[i + 1];
      count++;
    }
  }
  const inQuery = hasQueryToken(req.url);
  const inBody = hasBodyToken(req);
  if (count > 1) throw refuse.request('ERR_AUTHORIZATION_REPEATED', 'more than one Authorization header');
  const isBearer = header !== undefined && isBearerScheme(header);
  if ((isBearer ? 1 : 0) + (inQuery ? 1 : 0) + (inBody ? 1 : 0) > 1) {
    throw refuse.request('ERR_TOKEN_METHODS_MULTIPLE', 'the access token was sent by more than one method');
  }
  if (inQuery) throw refuse.request('ERR_TOKEN_IN_QUERY', 'send the access token in the Authorization header, not the query string');
  if (inBody) throw refuse.request('ERR_TOKEN_IN_BODY', 'send the access token in the Authorization header, not the request body');
  // RFC 6750 section 3: another scheme (Basic, DPoP...) is "no bearer credentials": no error code.
  if (!isBearer) return undefined;
  let start = 6;
  while (header!.charCodeAt(start) === 0x20) start++;
  if (start === header!.length) throw malformed();
  return header!.slice(start);
}

/** 400 for a Bearer header whose credentials are not exactly one b64token. */
export const malformed = () => refuse.request('ERR_AUTHORIZATION_MALFORMED', 'the Authorization header is not "Bearer" followed by one token');
