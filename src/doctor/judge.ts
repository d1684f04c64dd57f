import type { ProbeReport } from '../proxy/probe-report.js';
import { readByApp, type AppHeaders } from './forged.js';
import type { Problem } from './fixes.js';
import { describe, type Observation } from './observe.js';
import type { ThrowawayCertificate } from './throwaway.js';
import type { CaseStatus } from './types.js';

export interface Verdict {
  readonly status: CaseStatus;
  readonly detail: string;
  readonly problem?: Problem;
  readonly names?: readonly string[];
}

export interface ForgedExpectation {
  /** Whether doctor presented its real certificate in the handshake. */
  readonly sentCertificate: boolean;
  readonly realThumbprint: string;
  readonly forged: ThrowawayCertificate;
  readonly app: AppHeaders;
  /** The problem to name when a forged copy reached the app. */
  readonly problem: Problem;
  /** The names doctor forged in this request, as spelled. */
  readonly sentNames: readonly string[];
  /** What the same host does without a certificate and without forgeries (DoctorContext.withoutCertificate). */
  readonly baseline?: string | undefined;
}

/** The names whose copies carry the forged certificate or marker, or a forged SUCCESS. */
export function forgedCopies(report: ProbeReport, expectation: Pick<ForgedExpectation, 'forged' | 'sentCertificate'>): string[] {
  const names: string[] = [];
  for (const { name, copies } of report.headers) {
    const carries = copies.some((copy) => copy.thumbprint === expectation.forged.thumbprint || copy.marker === true);
    const verify = copies.filter((copy) => copy.verify !== undefined);
    // Without a certificate no proxy says SUCCESS; with one, a second copy is the client's.
    const forgedVerify = verify.length > 1 || (!expectation.sentCertificate && verify.some((copy) => copy.verify === 'SUCCESS'));
    if (carries || forgedVerify) names.push(name);
  }
  return names;
}

/**
 * The verdict on a request that carried forged forwarding headers: PASS when none reached the
 * app as a certificate (refused by the proxy, or cleared; a copy under a name the app does not
 * read is noted in the line), FAIL when one reached under a name the app reads (or the app
 * refused it, which shows it got through).
 */
export function judgeForged(observation: Observation, expectation: ForgedExpectation): Verdict {
  switch (observation.kind) {
    case 'tls-refusal':
    case 'proxy-refusal':
      return { status: 'PASS', detail: `${describe(observation)}` };
    case 'no-answer':
      return { status: 'WARN', detail: describe(observation) };
    case 'app-refusal':
      return judgeRefusal(observation.code, observation.status, expectation);
    case 'probe':
      return judgeReport(observation.report, expectation);
  }
}

function judgeRefusal(code: string, status: number, expectation: ForgedExpectation): Verdict {
  const read = expectation.sentNames.filter((name) => readByApp(name, expectation.app));
  if (code === 'CERTIFICATE_REQUIRED') return { status: 'PASS', detail: `the app answered ${status}: it accepted no certificate` };
  if (expectation.baseline === `refused:${code}`) {
    return { status: 'WARN', detail: `inconclusive: the app refused it (${status} ${code}), as it refuses every request without a certificate on this host (see no-certificate)` };
  }
  if (code === 'UNTRUSTED_PEER') return { status: 'WARN', detail: 'the app refused the headers as coming from an untrusted peer: it does not trust the proxy', problem: 'proxy-untrusted' };
  const why = code === 'ERR_CERT_HEADER_NAME' ? 'a forwarding header spelled otherwise than the proxy sets it'
    : code === 'ERR_CERT_HEADER_DUPLICATE' ? 'a second copy of a forwarding header'
      : code === 'ERR_CERT_VERIFY_MISMATCH' ? 'a verification header contradicting the certificate header'
        : 'a forged value in the header it reads';
  const problem: Problem = code === 'ERR_CERT_HEADER_DUPLICATE' && expectation.problem === 'mtls-clear' ? 'duplicate' : expectation.problem;
  return { status: 'FAIL', detail: `forged headers reached the app: it refused the request (${status} ${code}: ${why})`, problem, names: read };
}

function judgeReport(report: ProbeReport, expectation: ForgedExpectation): Verdict {
  if (report.certificate?.thumbprint === expectation.forged.thumbprint) {
    const all = forgedCopies(report, expectation);
    const names = all.filter((name) => readByApp(name, expectation.app));
    return { status: 'FAIL', detail: `the app ACCEPTED the forged certificate as the client's (via ${(names.length > 0 ? names : all).join(', ') || 'a forwarding header'})`, problem: expectation.problem, names: names.length > 0 ? names : all };
  }
  if (!expectation.sentCertificate && report.verification?.status === 'SUCCESS') {
    return { status: 'FAIL', detail: 'the app saw verification SUCCESS without any certificate: a forged verification header got through', problem: 'verify-clear', names: forgedCopies(report, expectation) };
  }
  if (report.certificate && report.certificate.thumbprint !== expectation.realThumbprint) {
    return { status: 'FAIL', detail: `the app accepted a certificate that is neither yours nor the forged one (x5t#S256 ${report.certificate.thumbprint})`, problem: expectation.problem };
  }
  const reached = forgedCopies(report, expectation);
  const read = reached.filter((name) => readByApp(name, expectation.app));
  if (read.length > 0) return { status: 'FAIL', detail: `forged copies of ${read.join(', ')} reached the app, under a name it reads`, problem: expectation.problem, names: read };
  const seen = report.certificate ? `; the app saw your certificate${report.verification ? ` (${report.verification.status})` : ''}` : '; the app saw no certificate';
  if (reached.length > 0) {
    // Not a certificate to this app: stated, so a user whose own code reads one of them knows.
    return { status: 'PASS', detail: `no forged header reached the app as a certificate${seen}; note: forged ${reached.join(', ')} reached it under names its certificate middleware does not read (clear them at the proxy if your code reads them)`, names: reached };
  }
  return { status: 'PASS', detail: `no forged header reached the app${seen}` };
}
