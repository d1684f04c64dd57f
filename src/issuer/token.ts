import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { SignJWT } from 'jose';
import { OAuthError } from '../oauth/errors.js';
import type { RegisteredClient } from './clients.js';
import { SCOPE_TOKEN } from './clients.js';
import { formParameters, type FormParameters } from './form.js';
import type { IssuerContext } from './options.js';
import { isAbsoluteUriWithoutFragment } from './resource-indicator.js';
import { claimedClientId, refuse, sendJson } from './respond.js';

/** RFC 6749 section 3.3: the granted scope is a subset of what the client may request. */
function grantScope(client: RegisteredClient, requested: string | undefined): string[] {
  if (requested === undefined) return [...client.scopes]; // section 3.3: a pre-defined default
  const scopes = [...new Set(requested.split(' ').filter(Boolean))];
  const malformed = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (malformed !== undefined || scopes.length === 0) throw new OAuthError('invalid_scope', 'scope must be space-separated scope tokens (RFC 6749 section 3.3)');
  const refused = scopes.filter((scope) => !client.scopes.includes(scope));
  if (refused.length) throw new OAuthError('invalid_scope', `scope not allowed for this client: ${refused.join(' ').slice(0, 200)}`);
  return scopes;
}

/** RFC 8707 section 2: each `resource` is an absolute URI without fragment; together they become `aud`. */
function audience(context: IssuerContext, client: RegisteredClient, params: FormParameters): string | string[] {
  const resources = [...new Set(params.all('resource'))];
  for (const resource of resources) {
    if (!isAbsoluteUriWithoutFragment(resource)) throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment (RFC 8707 section 2)');
    if (client.allowedResources && !client.allowedResources.has(resource)) {
      throw new OAuthError('invalid_target', `resource not allowed for this client: ${resource.slice(0, 200)}`);
    }
  }
  if (resources.length === 1) return resources[0]!;
  if (resources.length > 1) return resources;
  const fallback = context.defaultResource ?? (client.allowedResources?.size === 1 ? [...client.allowedResources][0] : undefined);
  if (fallback === undefined) throw new OAuthError('invalid_target', 'a resource parameter is required (RFC 8707)');
  if (client.allowedResources && !client.allowedResources.has(fallback)) throw new OAuthError('invalid_target', 'a resource parameter is required (RFC 8707)');
  return fallback;
}

/**
 * POST /token: the client_credentials grant (RFC 6749 section 4.4) issuing RFC 9068 JWT access
 * tokens, bound to the client certificate with `cnf.x5t#S256` (RFC 8705 section 3.1).
 */
export function tokenEndpoint(context: IssuerContext): RequestHandler {
  return async (req: Request, res) => {
    try {
      const params = formParameters(req, ['resource']);
      const grantType = params.get('grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      const now = context.clock();
      const { client, certificate, method } = await context.authenticator.authenticate(
        { authorization: req.headers.authorization, params, certificate: req.clientCertificate }, now);
      if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'only grant_type=client_credentials is supported');
      if (!client.grantTypes.includes('client_credentials')) throw new OAuthError('unauthorized_client', 'this client may not use the client_credentials grant');
      // RFC 8705 section 3: a client registered for bound tokens gets none without a certificate.
      if (client.boundTokens && !certificate) {
        throw new OAuthError('invalid_request', 'tokens of this client are certificate-bound: present a client certificate over mutual TLS');
      }
      const scopes = grantScope(client, params.get('scope'));
      const aud = audience(context, client, params);
      const iat = Math.floor(now.getTime() / 1000);
      const key = context.keys.active;
      const claims: Record<string, unknown> = { client_id: client.clientId };
      if (scopes.length) claims.scope = scopes.join(' ');
      if (client.boundTokens && certificate) claims.cnf = { 'x5t#S256': certificate.thumbprint };
      // RFC 9068 section 2.1 (typ at+jwt) and 2.2 (iss, exp, aud, sub, client_id, iat, jti).
      const accessToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(context.issuer)
        .setSubject(client.clientId)
        .setAudience(aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + context.accessTokenTtl)
        .setJti(randomBytes(16).toString('base64url'))
        .sign(key.privateKey);
      context.emit({ type: 'token_issued', method, bound: claims.cnf !== undefined });
      context.logger.debug({ event: 'token_issued', client_id: client.clientId, bound: claims.cnf !== undefined }, 'token issued');
      const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: context.accessTokenTtl };
      if (scopes.length) body.scope = scopes.join(' ');
      sendJson(res, 200, body);
    } catch (error) {
      refuse(context, req, res, 'token', error, claimedClientId(req));
    }
  };
}
