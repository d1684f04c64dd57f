import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { IssuerContext } from './options.js';

/** The claims of one of this issuer's access tokens (RFC 9068 section 2.2 plus RFC 8705 `cnf`). */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  client_id: string;
  jti: string;
  exp: number;
  iat: number;
  scope?: string;
  cnf?: { 'x5t#S256': string };
}

const MAX_TOKEN_LENGTH = 8192;
const lastReload = new WeakMap<object, number>();

/**
 * The claims of `token` if this issuer signed it with a published key and it has the RFC 9068
 * shape, else undefined. With `ignoreExpiry`, expired tokens verify too (revocation needs their jti).
 * An unknown `kid` triggers one key reload at most every 10 s: another instance may have rotated.
 */
export async function verifyAccessToken(context: IssuerContext, token: string, options: { ignoreExpiry?: boolean } = {}): Promise<AccessTokenClaims | undefined> {
  if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) return undefined;
  try {
    const { kid } = decodeProtectedHeader(token);
    const now = context.clock();
    let key = context.keys.verificationKey(kid, Math.floor(now.getTime() / 1000));
    if (!key && context.keys.file && Date.now() - (lastReload.get(context.keys) ?? 0) > 10_000) {
      lastReload.set(context.keys, Date.now());
      await context.keys.reload();
      key = context.keys.verificationKey(kid, Math.floor(now.getTime() / 1000));
    }
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: context.issuer,
      // RFC 9068 section 4: the resource server (here: introspection) checks typ at+jwt.
      typ: 'at+jwt',
      algorithms: [key.alg],
      currentDate: options.ignoreExpiry ? new Date(0) : now,
      requiredClaims: ['sub', 'client_id', 'jti', 'exp', 'iat'],
    });
    if (typeof payload.jti !== 'string' || typeof payload.client_id !== 'string') return undefined;
    return payload as AccessTokenClaims;
  } catch {
    return undefined;
  }
}
