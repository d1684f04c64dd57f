import express, { type ErrorRequestHandler, type Router } from 'express';
import { OAuthError } from '../oauth/errors.js';
import { introspectionEndpoint } from './introspect.js';
import { jwksEndpoint } from './jwks.js';
import { ENDPOINT_PATHS, metadataEndpoint } from './metadata.js';
import { compileOptions, type AuthorizationServerOptions } from './options.js';
import { refuse } from './respond.js';
import { revocationEndpoint } from './revoke.js';
import { tokenEndpoint } from './token.js';

export type { AuthorizationServerOptions } from './options.js';
export { KeyStore, SIGNING_ALGORITHMS, type KeyDescription, type KeyFileWatchOptions, type KeyStoreOptions, type RotateOptions, type SigningAlgorithm, type SigningKey } from './keys.js';
export { ClientRegistry, TOKEN_ENDPOINT_AUTH_METHODS, type ClientMetadata, type RegisteredClient, type TokenEndpointAuthMethod } from './clients.js';
export { MemoryRevocationStore, RedisRevocationStore, RevocationStoreFullError, type RevocationStore } from './revocation.js';
export type { AccessTokenClaims } from './verify.js';

/**
 * An OAuth 2.0 authorization server for certificate-bound tokens (RFC 8705) as an Express
 * router. Mount it at the root: the routes carry the issuer's path. It reads the client
 * certificate only from `req.clientCertificate` (set by `clientCertificate()` in front of it).
 * Routes: POST {path}/token, {path}/introspect, {path}/revoke; GET {path}/jwks,
 * /.well-known/oauth-authorization-server{path} (RFC 8414 section 3.1) and {path}/.well-known/oauth-authorization-server.
 * @throws {TypeError} at construction for bad options or a bad client registry
 */
export function authorizationServer(options: AuthorizationServerOptions): Router {
  const context = compileOptions(options);
  const router = express.Router();
  const base = context.issuerPath;
  const form = express.urlencoded({ extended: false, limit: context.maxBodyBytes, parameterLimit: 32, type: 'application/x-www-form-urlencoded' });
  router.post(base + ENDPOINT_PATHS.token, form, tokenEndpoint(context));
  router.post(base + ENDPOINT_PATHS.introspection, form, introspectionEndpoint(context));
  router.post(base + ENDPOINT_PATHS.revocation, form, revocationEndpoint(context));
  router.get(base + ENDPOINT_PATHS.jwks, jwksEndpoint(context));
  const metadata = metadataEndpoint(context);
  router.get('/.well-known/oauth-authorization-server' + base, metadata);
  if (base) router.get(base + '/.well-known/oauth-authorization-server', metadata);
  const postOnly = [ENDPOINT_PATHS.token, ENDPOINT_PATHS.introspection, ENDPOINT_PATHS.revocation].map((path) => base + path);
  router.all(postOnly, (req, res) => {
    res.set('Allow', 'POST');
    refuse(context, req, res, req.path, new OAuthError('invalid_request', 'use POST', { status: 405 }));
  });
  // Body-parser failures (too large, bad charset, malformed) become invalid_request, never a stack trace.
  const bodyErrors: ErrorRequestHandler = (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400;
    refuse(context, req, res, req.path, new OAuthError('invalid_request', 'the request body could not be read', { status, detail: String(error?.type ?? error?.message) }));
  };
  router.use(bodyErrors);
  return router;
}
