/**
 * OAuth error codes that mtls-pop answers with: RFC 6749 section 5.2 (token endpoint),
 * RFC 6750 section 3.1 (resource server), RFC 7009 section 2.2.1 (revocation), RFC 8707 section 2
 * (`invalid_target`).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'invalid_target'
  | 'server_error';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  invalid_target: 400,
  server_error: 500,
};

/**
 * An error that becomes an OAuth error response. `description` is public (sent as
 * `error_description`); `detail` is internal and only ever logged.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  readonly detail: string | undefined;

  constructor(error: OAuthErrorCode, description: string, options: { detail?: string; status?: number } = {}) {
    super(`${error}: ${description}`);
    this.error = error;
    this.status = options.status ?? STATUS[error];
    this.description = description;
    this.detail = options.detail;
  }

  /** The JSON body of the response (RFC 6749 section 5.2). */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** RFC 6750 section 3: a quoted-string parameter value; `"` and `\` are escaped. */
export function quoteAuthParam(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}
