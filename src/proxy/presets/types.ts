import type { ClientCertificate } from '../../certificate/model.js';
import type { ForwardedFormat } from '../../forwarded/index.js';
import type { ClientCertificateVerification } from '../request.js';

/**
 * Maps the values of a proxy's verification headers (in the order of `headers`, `undefined`
 * when absent) to a verification result, given the certificate decoded beside them. Fail closed:
 * a value not known to mean success is never `SUCCESS`. Headers that contradict the certificate
 * throw a `CertificateHeaderError` (`ERR_CERT_VERIFY_MISMATCH`), which refuses the request.
 */
export type VerificationReader = (values: readonly (string | undefined)[], certificate: ClientCertificate | undefined) => ClientCertificateVerification;

/** How a proxy reports whether it verified the certificate. */
export type PresetVerification =
  /** In one or more headers, read by `read`. */
  | { readonly headers: readonly [string, ...string[]]; readonly read: VerificationReader }
  /** Not at all: `unverifiable` says why and what to do instead; `requireVerified` is refused with it. */
  | { readonly headers?: undefined; readonly unverifiable: string };

/**
 * What one preset word stands for: the headers a proxy sets, their encoding and the meaning of
 * its verification values. Names are lower-case.
 */
export interface ClientCertificatePreset {
  /** The proxy and the setting that produces these headers, for messages and docs. */
  readonly proxy: string;
  readonly header: string;
  readonly format: ForwardedFormat;
  readonly chainHeader?: string;
  readonly verification: PresetVerification;
  /**
   * Further headers that proxy sets beside the certificate (DNs, fingerprints, presence flags).
   * The app does not read them, but a user's own code might: the proxy must set or strip them too.
   */
  readonly related?: readonly string[];
}
