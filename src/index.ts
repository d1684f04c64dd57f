// mtls-pop, the core entry: the certificate model, the forwarded-header formats, the trusted-proxy
// middleware and the resource-server middleware. This file only re-exports.
// It must stay light: nothing here may load the PKI (@peculiar/x509, reflect-metadata, pkijs), the
// server, Redis, configuration or metrics code. Those live behind the subpaths in src/entry/
// (mtls-pop/issuer, /pki, /server, /config, /templates, /chain, /oidc-provider, /auth0);
// test/package/core-weight.test.ts checks it.

export { ClientCertificate, type CertificateSource } from './certificate/model.js';
export { CertificateHeaderError, type CertificateErrorCode } from './certificate/errors.js';
export { thumbprint } from './certificate/thumbprint.js';
export { formatDistinguishedName, parseDistinguishedName, distinguishedNamesEqual, DistinguishedNameSyntaxError } from './certificate/distinguished-name.js';
export { certificateSubjectMatches, subjectAltNameMatches, canonicalIp, type ExpectedSubject } from './certificate/subject-match.js';
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
export {
  clientCertificateProbe,
  probeReport,
  PROBE_HEADER,
  PROBE_MARKER_HEADER,
  CLIENT_CERTIFICATE_PROBE_DEFAULTS,
  type ClientCertificateProbeOptions,
  type ProbeReport,
  type ProbeHeaderCopy,
} from './proxy/probe.js';
export { MTLS_POP_EVENT_TYPES, type MtlsPopEvent, type MtlsPopEventType, type MtlsPopEventListener } from './events/index.js';
export { PRESETS, PRESET_NAMES, PRESET_HEADER_NAMES, type PresetName, type ClientCertificatePreset, type PresetVerification, type VerificationReader } from './proxy/presets/index.js';
export {
  requireCertificateBoundToken,
  requireScope,
  BearerTokenError,
  type BearerRefusalCode,
  type CertificateBoundTokenOptions,
  type RevocationLookup,
  type IntrospectionOptions,
  type RequestAuth,
  type LocalKeySource,
} from './resource/index.js';
