import type { ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { OAuthError, quoteAuthParam, type OAuthErrorCode } from '../oauth/errors.js';

/** Why a protected-resource request was refused: stable, for logs, tests and `switch`. */
export type BearerRefusalCode =
  | 'ERR_TOKEN_ABSENT'
  | 'ERR_AUTHORIZATION_MALFORMED'
  | 'ERR_AUTHORIZATION_REPEATED'
  | 'ERR_TOKEN_IN_QUERY'
  | 'ERR_TOKEN_IN_BODY'
  | 'ERR_TOKEN_METHODS_MULTIPLE'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_KEY_UNKNOWN'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_TYPE'
  | 'ERR_TOKEN_CLAIMS'
  | 'ERR_TOKEN_INACTIVE'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_BINDING_ABSENT'
  | 'ERR_BINDING_MALFORMED'
  | 'ERR_BINDING_UNSUPPORTED'
  | 'ERR_CERTIFICATE_ABSENT'
  | 'ERR_CERTIFICATE_MISMATCH'
  | 'ERR_SCOPE_INSUFFICIENT'
  | 'ERR_VERIFIER_UNAVAILABLE'
  | 'ERR_MIDDLEWARE_ORDER';

/**
 * A refused protected-resource request. `error`, `status` and `description` are public
 * (RFC 6750 section 3.1); `code` and `detail` go to the log only.
 */
export class BearerTokenError extends OAuthError {
  readonly code: BearerRefusalCode;
  /** RFC 6750 section 3.1: the scope needed, sent with `insufficient_scope`. */
  readonly scope: string | undefined;
  /** RFC 6750 section 3: the client sent no credentials, so the answer carries no error code. */
  readonly anonymous: boolean;

  constructor(code: BearerRefusalCode, error: OAuthErrorCode | undefined, description: string, options: { detail?: string; status?: number; scope?: string } = {}) {
    super(error ?? 'invalid_token', description, options);
    this.code = code;
    this.scope = options.scope;
    this.anonymous = error === undefined;
  }
}

/** Constructors for each refusal, so the status and public text stay in one place. */
export const refuse = {
  absent: () => new BearerTokenError('ERR_TOKEN_ABSENT', undefined, 'bearer token required'),
  request: (code: BearerRefusalCode, description: string) => new BearerTokenError(code, 'invalid_request', description),
  token: (code: BearerRefusalCode, description: string, detail?: string) => new BearerTokenError(code, 'invalid_token', description, { detail }),
  scope: (scope: string) => new BearerTokenError('ERR_SCOPE_INSUFFICIENT', 'insufficient_scope', 'the access token lacks a required scope', { scope }),
  unavailable: (detail: string) => new BearerTokenError('ERR_VERIFIER_UNAVAILABLE', 'server_error', 'token verification is temporarily unavailable', { detail, status: 503 }),
  misconfigured: (detail: string) => new BearerTokenError('ERR_MIDDLEWARE_ORDER', 'server_error', 'server misconfiguration', { detail, status: 500 }),
};

/** RFC 6750 section 3: the `WWW-Authenticate` challenge for a refusal. */
export function challenge(error: BearerTokenError, realm: string | undefined): string | undefined {
  if (error.status >= 500) return undefined;
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm=${quoteAuthParam(realm)}`);
  if (!error.anonymous) {
    params.push(`error=${quoteAuthParam(error.error)}`, `error_description=${quoteAuthParam(error.description)}`);
    if (error.scope !== undefined) params.push(`scope=${quoteAuthParam(error.scope)}`);
  }
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

/** What the log line of a refusal may name: never the token itself. */
export interface RefusalContext {
  clientId?: string | undefined;
  thumbprint?: string | undefined;
}

/** Sends the refusal (JSON body, challenge header) and writes exactly one log line. */
export function sendRefusal(res: ServerResponse, error: BearerTokenError, realm: string | undefined, logger: Logger, context: RefusalContext): void {
  const entry = { reason: error.code, error: error.anonymous ? undefined : error.error, status: error.status, clientId: context.clientId, certificate: context.thumbprint, detail: error.detail };
  if (error.status >= 500) logger.error(entry, 'protected resource request refused');
  else logger.warn(entry, 'protected resource request refused');
  const header = challenge(error, realm);
  const body = JSON.stringify(error.anonymous ? { error_description: error.description } : error.toJSON());
  res.statusCode = error.status;
  if (header !== undefined) res.setHeader('WWW-Authenticate', header);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
