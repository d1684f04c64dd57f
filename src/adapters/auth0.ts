import type { IncomingMessage } from 'node:http';
import type { ClientCertificate } from '../certificate/model.js';

/**
 * `getCertificate` for Auth0's express-oauth2-jwt-bearer 1.10: the DER of the certificate that
 * `clientCertificate()` accepted (from a trusted proxy's header or this process's TLS socket), or
 * undefined. It reads no header and no socket itself, so a request from an untrusted peer has none.
 * ```ts
 * app.use(clientCertificate({ trustedProxies: '127.0.0.1' }));
 * app.use(auth({ issuerBaseURL, audience, getCertificate: auth0GetCertificate, mtls: { required: true } }));
 * ```
 * The library then compares the token's `cnf.x5t#S256` with SHA-256 of these bytes.
 * @param req the Express request
 * @returns the certificate's DER bytes, or undefined when no trusted source supplied one
 * @see RFC 8705 section 3 (certificate-bound access tokens)
 */
export function auth0GetCertificate(req: IncomingMessage & { clientCertificate?: ClientCertificate }): Buffer | undefined {
  return req.clientCertificate?.der;
}
