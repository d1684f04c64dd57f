import type { RequestHandler } from 'express';
import type { IssuerContext } from './options.js';

/** GET /jwks: the public signing keys (RFC 7517 section 5), active and retained ones, never private members. */
export function jwksEndpoint(context: IssuerContext): RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(context.keys.publicJwks(Math.floor(context.clock().getTime() / 1000)));
  };
}
