import type { ClientCertificate } from '../certificate/model.js';

/** What `requireCertificateBoundToken` found out about the caller. */
export interface RequestAuth {
  /** The access token exactly as sent. Never log it. */
  token: string;
  /** The verified claims (JWT payload or introspection answer), frozen. */
  claims: Readonly<Record<string, unknown>>;
  /** RFC 9068 section 2.2.3: the granted scopes, from the space-separated `scope` claim. */
  scopes: readonly string[];
  /** The client certificate of this request; always the bound one when the token is bound. */
  certificate: ClientCertificate | undefined;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by requireCertificateBoundToken once the token and its binding are verified. */
      boundToken?: RequestAuth;
    }
  }
}

/** Where requireCertificateBoundToken leaves its refusal settings for requireScope. */
export const REFUSAL_SETTINGS: unique symbol = Symbol('mtls-pop.resource.refusal');
