// mtls-pop/oidc-provider: RFC 8705 client authentication for panva/node-oidc-provider.
// This file only re-exports.
export {
  oidcProviderMtls,
  OIDC_PROVIDER_MTLS_DEFAULTS,
  type OidcProviderMtlsOptions,
  type OidcProviderMtlsHelpers,
  type OidcProviderContext,
  type TlsClientAuthSubjectProperty,
} from '../adapters/oidc-provider.js';
