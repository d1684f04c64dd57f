// mtls-pop/pki: a development certificate authority and certificate issuance (@peculiar/x509).
// This file only re-exports; the modules it loads import the reflect-metadata polyfill themselves.
export { issueCertificate, ensureDevelopmentPki, PkiError, type IssueOptions, type IssuedCertificate, type SubjectAltNameInput } from '../pki/index.js';
