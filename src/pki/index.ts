export { KEY_TYPES, type KeyType } from './algorithms.js';
export { issueCertificate, type IssueOptions, type IssuedCertificate, type SubjectAltNameInput, type CertificateAuthority } from './issue.js';
export { PkiError, initCertificateAuthority, loadCertificateAuthority, issueToFiles, pkiFiles, type WrittenFiles } from './files.js';
export { ensureDevelopmentPki, DEMO_CLIENT, DEVELOPMENT_SERVER_NAMES, type DevelopmentPki } from './development.js';
