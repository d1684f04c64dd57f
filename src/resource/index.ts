// The protected-resource side of RFC 8705: bearer token + certificate binding. Re-exports only.
export { requireCertificateBoundToken } from './middleware.js';
export { requireScope } from './scope.js';
export type { CertificateBoundTokenOptions, IntrospectionOptions, RevocationLookup } from './options.js';
export type { LocalKeySource } from './key-source.js';
export { BearerTokenError, type BearerRefusalCode } from './errors.js';
export type { RequestAuth } from './request.js';
