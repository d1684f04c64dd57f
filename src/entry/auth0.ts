// mtls-pop/auth0: the certificate source for express-oauth2-jwt-bearer. This file only re-exports.
export { auth0GetCertificate } from '../adapters/auth0.js';
