import type { RequestHandler } from 'express';
import type { IssuerContext } from './options.js';

/** The endpoint paths below the issuer's path. */
export const ENDPOINT_PATHS = { token: '/token', introspection: '/introspect', revocation: '/revoke', jwks: '/jwks' } as const;

/** RFC 8414 section 2 metadata, computed once from the options. */
export function authorizationServerMetadata(context: IssuerContext): Record<string, unknown> {
  const methods = context.registry.methods;
  const endpoint = (base: string, path: string) => `${base}${context.issuerPath}${path}`;
  const origin = new URL(context.issuer).origin;
  const metadata: Record<string, unknown> = {
    issuer: context.issuer,
    token_endpoint: endpoint(origin, ENDPOINT_PATHS.token),
    introspection_endpoint: endpoint(origin, ENDPOINT_PATHS.introspection),
    revocation_endpoint: endpoint(origin, ENDPOINT_PATHS.revocation),
    jwks_uri: endpoint(origin, ENDPOINT_PATHS.jwks),
    scopes_supported: context.registry.scopes,
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: methods,
    introspection_endpoint_auth_methods_supported: methods,
    revocation_endpoint_auth_methods_supported: methods,
    // RFC 8705 section 3.3: this server issues certificate-bound access tokens.
    tls_client_certificate_bound_access_tokens: true,
  };
  if (context.mtlsBaseUrl) {
    // RFC 8705 section 5: endpoints on the host that asks for client certificates.
    metadata.mtls_endpoint_aliases = {
      token_endpoint: endpoint(context.mtlsBaseUrl, ENDPOINT_PATHS.token),
      introspection_endpoint: endpoint(context.mtlsBaseUrl, ENDPOINT_PATHS.introspection),
      revocation_endpoint: endpoint(context.mtlsBaseUrl, ENDPOINT_PATHS.revocation),
    };
  }
  return metadata;
}

/** GET /.well-known/oauth-authorization-server (RFC 8414 section 3). */
export function metadataEndpoint(context: IssuerContext): RequestHandler {
  const body = JSON.stringify(authorizationServerMetadata(context));
  return (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=300', 'Content-Type': 'application/json; charset=utf-8' }).send(body);
  };
}
