import type { RequestHandler } from 'express';
import { defaultLogger } from '../log.js';
import { refuse, sendRefusal } from './errors.js';
import { REFUSAL_SETTINGS } from './request.js';
import type { RefusalSettings } from './middleware.js';

// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Express middleware, mounted after requireCertificateBoundToken: every listed scope must be
 * in `req.boundToken.scopes`, else 403 insufficient_scope with `scope="..."` (RFC 6750 section 3.1).
 * @throws {TypeError} at construction when no scope is given or one is not a scope-token
 */
export function requireScope(...scopes: string[]): RequestHandler {
  if (scopes.length === 0) throw new TypeError('requireScope: name at least one scope');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) throw new TypeError(`requireScope: ${JSON.stringify(scope)} is not a scope-token (RFC 6749 section 3.3)`);
  }
  const needed = Object.freeze([...new Set(scopes)]);
  const scopeParam = needed.join(' ');

  return function requireScopeHandler(req, res, next) {
    const settings = (req as { [REFUSAL_SETTINGS]?: RefusalSettings })[REFUSAL_SETTINGS];
    const auth = req.boundToken;
    if (auth === undefined || settings === undefined) {
      // Fail closed: a route that forgot the token check must not look authorised.
      sendRefusal(res, refuse.misconfigured('requireScope ran before requireCertificateBoundToken'), undefined, settings?.logger ?? defaultLogger(), {});
      return;
    }
    for (const scope of needed) {
      if (!auth.scopes.includes(scope)) {
        const clientId = typeof auth.claims.client_id === 'string' ? auth.claims.client_id : undefined;
        sendRefusal(res, refuse.scope(scopeParam), settings.realm, settings.logger, { clientId, thumbprint: auth.certificate?.thumbprint });
        return;
      }
    }
    next();
  };
}
