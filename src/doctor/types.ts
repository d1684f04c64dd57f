import type { ClientCredentials, SendOptions, Target } from './client.js';
import type { AppHeaders, HeaderLine } from './forged.js';
import type { Problem, ProxyKind } from './fixes.js';
import type { Observation } from './observe.js';
import type { ThrowawayCertificate } from './throwaway.js';

export const STATUSES = ['PASS', 'FAIL', 'WARN', 'SKIP'] as const;
export type CaseStatus = (typeof STATUSES)[number];

/** One line of the report. */
export interface CaseResult {
  /** Stable identifier, e.g. `forged/plain/underscores/with-certificate`. */
  readonly id: string;
  readonly status: CaseStatus;
  /** What was checked and what was seen, one sentence. */
  readonly detail: string;
  /** For FAIL and WARN: what is wrong, in doctor's vocabulary (see FIXES). */
  readonly problem?: Problem;
  /** The header names involved, as doctor sent them. */
  readonly names?: readonly string[];
  /** The fix, one line per server (or only the detected one's). */
  readonly fix?: readonly string[];
}

/** What every case can use: the hosts given, the credentials, and a request that counts against the budget. */
export interface DoctorContext {
  readonly mtls: Target;
  readonly plain: Target | undefined;
  readonly backend: Target | undefined;
  readonly credentials: ClientCredentials;
  /** The `x5t#S256` of --cert, computed here. */
  readonly realThumbprint: string;
  readonly forged: ThrowawayCertificate;
  /** The app's header names, from the probe's first answer (or the flags). */
  app: AppHeaders;
  /**
   * What the mTLS host does with a request without a certificate (from the no-certificate check):
   * `requires` (refused before the app), `reaches-app`, or the app's refusal code when every such
   * request is refused by the app (a proxy sending a stand-in value). Undefined before that check.
   */
  withoutCertificate?: 'requires' | 'reaches-app' | `refused:${string}`;
  /** The web server in front, from --proxy or the first `Server` answer header. */
  proxy: ProxyKind | undefined;
  /** Sends one probe request (the secret and marker added) and reads the answer. */
  request(options: Omit<SendOptions, 'timeoutMs' | 'ca' | 'localAddress'> & { readonly headers?: readonly HeaderLine[] }): Promise<Observation & { readonly session?: Buffer }>;
}

/** A check: one or more lines of the report. */
export interface DoctorCase {
  readonly id: string;
  run(context: DoctorContext): Promise<CaseResult[]>;
}
