import type { ClientCertificate } from '../certificate/model.js';

/**
 * What the TLS terminator said about the client certificate.
 * - `SUCCESS`: it verified the certificate against its CA list;
 * - `NONE`: the client sent no certificate;
 * - `FAILED`: a certificate was sent but did not verify (`reason` says why, e.g. `self-signed certificate`;
 *   Apache's `GENEROUS` is reported as `FAILED` with that reason);
 * - `UNKNOWN`: no verification result is available (no `verifyHeader` configured, the header is
 *   missing, or its value is not one of the above).
 */
export interface ClientCertificateVerification {
  readonly status: 'SUCCESS' | 'NONE' | 'FAILED' | 'UNKNOWN';
  readonly reason?: string;
}

declare global {
  // Express's own augmentation point; a namespace is the only way to merge into it.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The client certificate accepted by `clientCertificate()`, if any. */
      clientCertificate?: ClientCertificate;
      /** The verification result reported by the trusted proxy or the TLS socket; undefined when no trusted source spoke. */
      clientCertificateVerification?: ClientCertificateVerification;
    }
  }
}
