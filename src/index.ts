// The public API of mtls-pop. This file only re-exports.
import 'reflect-metadata';

export { ClientCertificate, type CertificateSource } from './certificate/model.js';
export { CertificateHeaderError, type CertificateErrorCode } from './certificate/errors.js';
export { thumbprint } from './certificate/thumbprint.js';
export { formatDistinguishedName, parseDistinguishedName, distinguishedNamesEqual, DistinguishedNameSyntaxError } from './certificate/distinguished-name.js';
export { certificateSubjectMatches, subjectAltNameMatches, canonicalIp, type ExpectedSubject } from './certificate/subject-match.js';
export { ChainValidator, CertificateChainError, type ChainErrorCode, type ChainValidatorOptions, type ChainValidationResult, type CertificateInput } from './certificate/chain.js';
export type { SubjectAltNames, NameAttribute, RelativeDistinguishedNames } from './certificate/fields.js';
export { derToPem, pemToDer } from './certificate/pem.js';
export { OAuthError, type OAuthErrorCode } from './oauth/errors.js';
export { createLogger, type Logger } from './log.js';
export {
  parseForwardedCertificate,
  detectForwardedFormat,
  FORWARDED_FORMATS,
  DEFAULT_MAX_HEADER_LENGTH,
  MAX_CHAIN_CERTIFICATES,
  type ForwardedFormat,
  type ForwardedParseOptions,
  type DetectedFormat,
} from './forwarded/index.js';
export { clientCertificate, type ClientCertificateOptions, type ClientCertificateVerification } from './proxy/middleware.js';
export { certificateFromTlsSocket, type TlsClientCertificate } from './proxy/tls.js';
export { CLIENT_CERTIFICATE_DEFAULTS } from './proxy/options.js';
export { renderTemplate, TEMPLATE_SERVERS, TEMPLATE_SITES, FORWARDING_HEADERS, CHAIN_HEADER_COUNT, DEFAULT_HEADER_NAMES } from './templates/index.js';
export type { TemplateValues, TemplateServer, TemplateSite, RenderOptions } from './templates/index.js';
export {
  authorizationServer,
  KeyStore,
  SIGNING_ALGORITHMS,
  ClientRegistry,
  TOKEN_ENDPOINT_AUTH_METHODS,
  MemoryRevocationStore,
  RedisRevocationStore,
  RevocationStoreFullError,
  type AuthorizationServerOptions,
  type KeyStoreOptions,
  type SigningAlgorithm,
  type SigningKey,
  type ClientMetadata,
  type RegisteredClient,
  type TokenEndpointAuthMethod,
  type RevocationStore,
  type AccessTokenClaims,
  type KeyDescription,
  type KeyFileWatchOptions,
  type RotateOptions,
} from './issuer/index.js';
export {
  oidcProviderMtls,
  OIDC_PROVIDER_MTLS_DEFAULTS,
  type OidcProviderMtlsOptions,
  type OidcProviderMtlsHelpers,
  type OidcProviderContext,
  type TlsClientAuthSubjectProperty,
} from './adapters/oidc-provider.js';
export { auth0GetCertificate } from './adapters/auth0.js';
export {
  requireCertificateBoundToken,
  requireScope,
  BearerTokenError,
  type BearerRefusalCode,
  type CertificateBoundTokenOptions,
  type IntrospectionOptions,
  type RequestAuth,
  type LocalKeySource,
} from './resource/index.js';
export {
  loadConfig,
  ConfigError,
  redactConfig,
  CONFIG_KEYS,
  type LoadConfigOptions,
  type MtlsPopConfig,
  type ConfigErrorCode,
  type ConfigKey,
} from './config/index.js';
export { startServer, type RunningServer, type StartOptions } from './server/start.js';
export { createApp, type AppParts } from './server/app.js';
export { issueCertificate, ensureDevelopmentPki, PkiError, type IssueOptions, type IssuedCertificate, type SubjectAltNameInput } from './pki/index.js';
