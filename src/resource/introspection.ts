import type { VerifiedToken } from './cache.js';
import { BearerTokenError, refuse } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { describeClaims, type TokenVerifier } from './verify.js';

/** RFC 6749 section 2.3.1: client id and secret are form-encoded before going into Basic. */
function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function audienceMatches(aud: unknown, expected: readonly string[]): boolean {
  if (typeof aud === 'string') return expected.includes(aud);
  return Array.isArray(aud) && aud.some((value) => typeof value === 'string' && expected.includes(value));
}

/** RFC 7662 section 4: the resource server checks what the answer says about time, issuer and audience. */
function checkAnswer(answer: Record<string, unknown>, options: ResolvedOptions): void {
  // RFC 7662 section 2.2: `active` is REQUIRED and boolean; anything but true is inactive.
  if (answer.active !== true) throw refuse.token('ERR_TOKEN_INACTIVE', 'the access token is not active');
  const now = Date.now() / 1000;
  const { exp, nbf, iss, aud } = answer;
  if (exp !== undefined && (typeof exp !== 'number' || now - options.clockTolerance >= exp)) throw refuse.token('ERR_TOKEN_EXPIRED', 'the access token has expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || now + options.clockTolerance < nbf)) throw refuse.token('ERR_TOKEN_NOT_YET_VALID', 'the access token is not yet valid');
  if (options.issuer !== undefined && iss !== undefined && iss !== options.issuer) throw refuse.token('ERR_TOKEN_ISSUER', 'the access token comes from another issuer');
  // Fail closed: an answer that names no audience is not an answer for this resource server.
  if (!audienceMatches(aud, options.audience)) throw refuse.token('ERR_TOKEN_AUDIENCE', 'the access token is meant for another audience', `aud ${aud === undefined ? 'absent' : 'does not match'}`);
}

/**
 * RFC 7662 token introspection: POST the token to the authorization server, authenticated
 * as this resource server, and read `active`, `exp`, `aud`, `scope` and RFC 8705 section 3.2 `cnf`.
 */
export function introspectionVerifier(options: ResolvedOptions): TokenVerifier {
  if (options.source.kind !== 'introspection') throw new TypeError('introspectionVerifier needs introspection options');
  const settings = options.source.introspection;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.clientSecret !== undefined) headers.authorization = basic(settings.clientId!, settings.clientSecret);

  async function call(token: string): Promise<Record<string, unknown>> {
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    if (settings.clientSecret === undefined && settings.clientId !== undefined) form.set('client_id', settings.clientId);
    const init: RequestInit & { dispatcher?: object } = { method: 'POST', headers, body: form.toString(), redirect: 'error', signal: AbortSignal.timeout(settings.timeoutMs) };
    if (settings.dispatcher !== undefined) init.dispatcher = settings.dispatcher;
    let response: Response;
    try {
      response = await fetch(settings.endpoint, init);
    } catch (error) {
      throw refuse.unavailable(`introspection: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw refuse.unavailable(`introspection answered ${response.status}`);
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch {
      throw refuse.unavailable('introspection answer is not JSON');
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw refuse.unavailable('introspection answer is not a JSON object');
    return answer as Record<string, unknown>;
  }

  return {
    maxCacheAgeMs: settings.maxCacheSeconds * 1000,
    async verify(token): Promise<VerifiedToken> {
      const answer = await call(token);
      try {
        checkAnswer(answer, options);
        return describeClaims(answer, options.binding);
      } catch (error) {
        if (error instanceof BearerTokenError) throw error;
        throw refuse.unavailable(`introspection: ${String(error)}`);
      }
    },
  };
}
