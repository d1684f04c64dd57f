import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { decodeJwt } from 'jose';
import type { ClientCertificate } from '../certificate/model.js';
import type { Logger } from '../log.js';
import { checkBinding } from './binding.js';
import { extractBearerToken, isB64Token, malformed } from './bearer.js';
import { TokenCache, type VerifiedToken } from './cache.js';
import { BearerTokenError, refuse, sendRefusal } from './errors.js';
import { introspectionVerifier } from './introspection.js';
import { resolveOptions, type CertificateBoundTokenOptions } from './options.js';
import { REFUSAL_SETTINGS } from './request.js';
import { jwtVerifier, mapJoseError } from './verify.js';

/** Carried on the request so that requireScope answers with the same realm and logger. */
export interface RefusalSettings {
  realm: string | undefined;
  logger: Logger;
}

/** The unverified `client_id` of a refused JWT, for the log line only (marked as a claim). */
function claimedClientId(token: string | undefined): string | undefined {
  if (token === undefined || token.split('.').length !== 3) return undefined;
  try {
    const claims = decodeJwt(token);
    const id = typeof claims.client_id === 'string' ? claims.client_id : claims.sub;
    return typeof id === 'string' ? `unverified:${id.slice(0, 64)}` : undefined;
  } catch {
    return undefined;
  }
}

type Carrier = { clientCertificate?: ClientCertificate; [REFUSAL_SETTINGS]?: RefusalSettings };

/**
 * Express middleware for a protected resource (RFC 8705 section 3): takes the bearer token from
 * the Authorization header (RFC 6750 section 2.1), verifies it once (JWT or RFC 7662
 * introspection; cached until `exp`), then on every request checks `exp` and that
 * `cnf["x5t#S256"]` equals the thumbprint of `req.clientCertificate`. Sets `req.boundToken`.
 * With `revocations`, also asks the issuer's revocation store for the token's `jti` on every request.
 * Refusals: 401 invalid_token, 400 invalid_request, 503 when the key source (or revocation store) is unreachable.
 * @throws {TypeError} at construction for invalid options (see CertificateBoundTokenOptions)
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3
 */
export function requireCertificateBoundToken(options: CertificateBoundTokenOptions): RequestHandler {
  const resolved = resolveOptions(options);
  const cache = new TokenCache(resolved.cacheSize);
  const verifier = resolved.source.kind === 'introspection' ? introspectionVerifier(resolved) : jwtVerifier(resolved, () => cache.clear());
  const settings: RefusalSettings = Object.freeze({ realm: resolved.realm, logger: resolved.logger });
  const toleranceMs = resolved.clockTolerance * 1000;

  /** Runs on every request, cached or not: the token may have expired since, and the binding is per connection. */
  function admit(req: Request, token: string, found: VerifiedToken, certificate: ClientCertificate | undefined, thumbprint: string | undefined): void {
    if (found.expiresAt !== undefined && Date.now() - toleranceMs >= found.expiresAt) throw refuse.token('ERR_TOKEN_EXPIRED', 'the access token has expired');
    checkBinding(found.binding, thumbprint);
    req.boundToken = { token, claims: found.claims, scopes: found.scopes, certificate: thumbprint === undefined ? undefined : certificate };
    (req as Carrier)[REFUSAL_SETTINGS] = settings;
  }

  function fail(res: Response, error: unknown, token: string | undefined, found: VerifiedToken | undefined, thumbprint: string | undefined): void {
    try {
      const refusal = error instanceof BearerTokenError ? error : mapJoseError(error);
      resolved.emit({ type: 'token_refused', code: refusal.code });
      sendRefusal(res, refusal, resolved.realm, resolved.logger, { clientId: found?.clientId ?? claimedClientId(token), thumbprint });
    } catch (sendError) {
      // Never an unhandled rejection (it would end the process): answer a bare 500 and log it.
      resolved.logger.error({ error: sendError instanceof Error ? sendError.message : String(sendError) }, 'bearer token refusal could not be sent');
      if (!res.headersSent) res.status(500).json({ error: 'server_error', error_description: 'the request could not be refused cleanly' });
      else res.destroy();
    }
  }

  /**
   * RFC 7009 section 2: a revoked token must stop working. A JWT verified locally says nothing
   * about revocation, so with `revocations` the store is asked for its `jti` on every request.
   */
  function proceed(res: Response, next: NextFunction, token: string, found: VerifiedToken, thumbprint: string | undefined): void {
    const revocations = resolved.revocations;
    if (revocations === undefined) {
      next();
      return;
    }
    const jti = found.claims.jti;
    if (typeof jti !== 'string' || jti === '') {
      fail(res, refuse.token('ERR_TOKEN_CLAIMS', 'the access token has no jti', 'revocations are checked by jti'), token, found, thumbprint);
      return;
    }
    let answer: Promise<boolean>;
    try {
      answer = Promise.resolve(revocations.isRevoked(jti));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (revoked) => {
        if (revoked === false) next();
        else if (revoked === true) fail(res, refuse.token('ERR_TOKEN_REVOKED', 'the token was revoked', `jti ${jti.slice(0, 64)}`), token, found, thumbprint);
        else fail(res, refuse.unavailable('revocation store: isRevoked() answered neither true nor false'), token, found, thumbprint);
      },
      (error: unknown) => fail(res, refuse.unavailable(`revocation store: ${error instanceof Error ? error.message : String(error)}`), token, found, thumbprint),
    );
  }

  return function requireCertificateBoundTokenHandler(req, res, next) {
    const certificate = (req as Carrier).clientCertificate;
    const thumbprint = typeof certificate?.thumbprint === 'string' ? certificate.thumbprint : undefined;
    let token: string | undefined;
    let cached: VerifiedToken | undefined;
    try {
      token = extractBearerToken(req);
      if (token === undefined) throw refuse.absent();
      verifier.prepare?.();
      cached = cache.get(token);
      if (cached !== undefined) {
        verifier.refresh?.();
        admit(req, token, cached, certificate, thumbprint);
      }
      else if (!isB64Token(token)) throw malformed();
    } catch (error) {
      fail(res, error, token, cached, thumbprint);
      return;
    }
    if (cached !== undefined) {
      proceed(res, next, token!, cached, thumbprint);
      return;
    }
    const presented = token;
    verifier.verify(presented).then(
      (found) => {
        cache.set(presented, found, verifier.maxCacheAgeMs);
        try {
          admit(req, presented, found, certificate, thumbprint);
        } catch (error) {
          fail(res, error, presented, found, thumbprint);
          return;
        }
        proceed(res, next, presented, found, thumbprint);
      },
      (error: unknown) => fail(res, error, presented, undefined, thumbprint),
    );
  };
}
