import type { RequestHandler } from 'express';
import type { IssuerContext } from './options.js';
import { claimedClientId, refuse, sendJson } from './respond.js';
import { authenticatedTokenOperand } from './token-operand.js';
import { verifyAccessToken } from './verify.js';

/**
 * POST /introspect (RFC 7662): registered clients, authenticated by their method, learn whether
 * a token is active; expired, revoked, foreign and malformed tokens are all `{"active": false}`.
 */
export function introspectionEndpoint(context: IssuerContext): RequestHandler {
  return async (req, res) => {
    try {
      const { client, token } = await authenticatedTokenOperand(context, req);
      const claims = await verifyAccessToken(context, token);
      if (!claims || (await context.revocations.isRevoked(claims.jti))) {
        sendJson(res, 200, { active: false });
        return;
      }
      context.logger.debug({ event: 'token_introspected', client_id: client.clientId }, 'token introspected');
      // RFC 7662 section 2.2 members; RFC 8705 section 3.2: cnf carries the certificate thumbprint.
      sendJson(res, 200, {
        active: true,
        client_id: claims.client_id,
        scope: claims.scope,
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: claims.jti,
        token_type: 'Bearer',
        cnf: claims.cnf,
      });
    } catch (error) {
      refuse(context, req, res, 'introspect', error, claimedClientId(req));
    }
  };
}
