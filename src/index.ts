// The public API of mtls-pop. This file only re-exports.
import 'reflect-metadata';

export { ClientCertificate, type CertificateSource } from './certificate/model.js';
export { CertificateHeaderError, type CertificateErrorCode } from './certificate/errors.js';
export { thumbprint } from './certificate/thumbprint.js';
export { formatDistinguishedName } from './certificate/distinguished-name.js';
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
