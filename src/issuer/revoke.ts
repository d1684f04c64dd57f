import type { RequestHandler } from 'express';
import { OAuthError } from '../oauth/errors.js';
import type { IssuerContext } from './options.js';
import { claimedClientId, noStore, refuse } from './respond.js';
import { RevocationStoreFullError } from './revocation.js';
import { authenticatedTokenOperand } from './token-operand.js';
import { verifyAccessToken } from './verify.js';

/**
 * POST /revoke (RFC 7009): a client revokes its own access tokens. Section 2.2: invalid or
 * unknown tokens still get 200, so the answer tells nothing about other tokens.
 */
export function revocationEndpoint(context: IssuerContext): RequestHandler {
  return async (req, res) => {
    try {
      const { client, token } = await authenticatedTokenOperand(context, req);
      const claims = await verifyAccessToken(context, token, { ignoreExpiry: true });
      if (claims) {
        // RFC 7009 section 2.1: the server verifies the token was issued to the client making the request.
        if (claims.client_id !== client.clientId) {
          throw new OAuthError('invalid_request', 'the token was not issued to this client', { detail: `token of "${claims.client_id}"` });
        }
        try {
          await context.revocations.revoke(claims.jti, claims.exp);
        } catch (error) {
          // RFC 7009 section 2.2.1: on 503 the client must assume the token still exists and may retry.
          if (error instanceof RevocationStoreFullError) throw new OAuthError('server_error', 'the revocation could not be recorded; retry later', { status: 503, detail: error.message });
          throw error;
        }
        context.logger.info({ event: 'token_revoked', client_id: client.clientId, jti: claims.jti }, 'token revoked');
      }
      noStore(res).status(200).end();
    } catch (error) {
      refuse(context, req, res, 'revoke', error, claimedClientId(req));
    }
  };
}
