import type { Request } from 'express';
import { OAuthError } from '../oauth/errors.js';
import type { RegisteredClient } from './clients.js';
import { formParameters } from './form.js';
import type { IssuerContext } from './options.js';

/**
 * The shared start of POST /introspect and POST /revoke: the form body, the calling client
 * authenticated by its registered method (RFC 7662 section 2.1: the endpoint MUST require
 * authorization; RFC 7009 section 2.1: the client authenticates), and the required `token`.
 */
export async function authenticatedTokenOperand(context: IssuerContext, req: Request): Promise<{ client: RegisteredClient; token: string }> {
  const params = formParameters(req);
  const { client } = await context.authenticator.authenticate(
    { authorization: req.headers.authorization, params, certificate: req.clientCertificate }, context.clock());
  const token = params.get('token');
  if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
  return { client, token };
}
