import type { Target } from './client.js';
import { forgedChainBeyond, forgedHeaders, forgedNames, forgedVerifyOnly, SPELLINGS, type HeaderLine, type Spelling } from './forged.js';
import type { Problem } from './fixes.js';
import { judgeForged, type Verdict } from './judge.js';
import { describe, type Observation } from './observe.js';
import type { CaseResult, DoctorCase, DoctorContext } from './types.js';

const result = (id: string, verdict: Verdict): CaseResult => ({ id, ...verdict });

/** The real certificate on the mTLS host: the probe answers, and the app sees exactly it. */
export const certificateCase: DoctorCase = {
  id: 'certificate',
  async run(context) {
    const observation = await context.request({ target: context.mtls, credentials: context.credentials });
    if (observation.kind !== 'probe') {
      const hint = observation.kind === 'app-refusal' ? ` (${observation.description})` : '';
      return [result('certificate', { status: 'FAIL', detail: `with your certificate on ${context.mtls.hostname}: ${describe(observation)}${hint}`, problem: 'forward-certificate' })];
    }
    const { report } = observation;
    const seen = report.certificate;
    if (!seen) return [result('certificate', { status: 'FAIL', detail: `your certificate did not reach the app (verification ${report.verification?.status ?? 'none'})`, problem: 'forward-certificate' })];
    if (seen.thumbprint !== context.realThumbprint) {
      return [result('certificate', { status: 'FAIL', detail: `the app saw another certificate (x5t#S256 ${seen.thumbprint}, yours is ${context.realThumbprint})`, problem: 'forward-certificate' })];
    }
    const status = report.verification?.status ?? 'UNKNOWN';
    if (status === 'UNKNOWN' && context.app.verifyHeader === undefined) {
      return [result('certificate', { status: 'PASS', detail: `the app saw your certificate, x5t#S256 ${seen.thumbprint}; no verification header (the proxy must verify it itself, e.g. Caddy client_auth verify_if_given: see unknown-ca)` })];
    }
    if (status !== 'SUCCESS') {
      return [result('certificate', { status: 'WARN', detail: `the app saw your certificate (x5t#S256 ${seen.thumbprint}) but verification ${status}${report.verification?.reason ? `: ${report.verification.reason}` : ''}; the proxy does not vouch for it`, problem: 'forward-certificate' })];
    }
    return [result('certificate', { status: 'PASS', detail: `the app saw your certificate, x5t#S256 ${seen.thumbprint}, verification SUCCESS` })];
  },
};

/** No certificate: the app sees none, and the proxy sends no stand-in text the app would refuse. */
export const noCertificateCase: DoctorCase = {
  id: 'no-certificate',
  async run(context) {
    const observation = await context.request({ target: context.mtls });
    context.withoutCertificate = observation.kind === 'tls-refusal' || observation.kind === 'proxy-refusal' ? 'requires'
      : observation.kind === 'app-refusal' && observation.code !== 'CERTIFICATE_REQUIRED' ? `refused:${observation.code}`
        : observation.kind === 'probe' ? 'reaches-app' : undefined;
    return [result('no-certificate', judgeNoCertificate(observation))];
  },
};

function judgeNoCertificate(observation: Observation): Verdict {
  switch (observation.kind) {
    case 'tls-refusal':
    case 'proxy-refusal':
      return { status: 'PASS', detail: `without a certificate ${describe(observation)}: the proxy requires one` };
    case 'no-answer':
      return { status: 'WARN', detail: `without a certificate: ${describe(observation)}` };
    case 'app-refusal':
      if (observation.code === 'CERTIFICATE_REQUIRED') return { status: 'PASS', detail: 'without a certificate the app answered 401: it requires one' };
      return { status: 'FAIL', detail: `without a certificate the app refused the request (${observation.status} ${observation.code}): the proxy sends a value that is not a certificate`, problem: 'placeholder' };
    case 'probe': {
      const { report } = observation;
      if (report.certificate) return { status: 'FAIL', detail: `without a certificate the app saw one (x5t#S256 ${report.certificate.thumbprint})`, problem: 'mtls-clear' };
      if (report.verification?.status === 'SUCCESS') return { status: 'FAIL', detail: 'without a certificate the app saw verification SUCCESS', problem: 'verify-clear' };
      return { status: 'PASS', detail: `without a certificate the app saw none (verification ${report.verification?.status ?? 'none'})` };
    }
  }
}

/** A client certificate from a CA the deployment never heard of: refused, or flagged FAILED. */
export const unknownCaCase: DoctorCase = {
  id: 'unknown-ca',
  async run(context) {
    const throwaway = { cert: context.forged.certificatePem, key: context.forged.privateKeyPem };
    const observation = await context.request({ target: context.mtls, credentials: throwaway });
    let verdict: Verdict;
    if (observation.kind === 'tls-refusal' || observation.kind === 'proxy-refusal') verdict = { status: 'PASS', detail: `a self-signed certificate from an unknown CA: ${describe(observation)}` };
    else if (observation.kind === 'app-refusal') verdict = { status: 'PASS', detail: `a self-signed certificate from an unknown CA: ${describe(observation)}` };
    else if (observation.kind === 'no-answer') verdict = { status: 'WARN', detail: describe(observation) };
    else {
      const { report } = observation;
      const status = report.verification?.status ?? 'UNKNOWN';
      if (status === 'SUCCESS') verdict = { status: 'FAIL', detail: 'a self-signed certificate from an unknown CA arrived with verification SUCCESS', problem: 'unverified-success' };
      else if (status === 'FAILED') verdict = { status: 'PASS', detail: `a self-signed certificate from an unknown CA is flagged FAILED${report.verification?.reason ? ` (${report.verification.reason})` : ''}${report.certificate ? '' : ' and not accepted'}` };
      else if (report.certificate) verdict = { status: 'WARN', detail: `a self-signed certificate from an unknown CA reached the app with verification ${status}: the app must validate the chain itself`, problem: 'unverified-success' };
      else verdict = { status: 'PASS', detail: `a self-signed certificate from an unknown CA was not accepted (verification ${status})` };
    }
    return [result('unknown-ca', verdict)];
  },
};

/** The hosts doctor forges headers on: the mTLS host, and the plain host when given. */
function hosts(context: DoctorContext): { label: 'mtls' | 'plain'; target: Target }[] {
  return [{ label: 'mtls' as const, target: context.mtls }, ...(context.plain ? [{ label: 'plain' as const, target: context.plain }] : [])];
}

function problemFor(label: 'mtls' | 'plain', spelling: Spelling): Problem {
  if (spelling === 'underscores' || spelling === 'one-underscore') return 'underscore';
  if (label === 'plain') return 'plain-host-clear';
  return spelling === 'as-documented-twice' ? 'duplicate' : 'mtls-clear';
}

const names = (lines: readonly HeaderLine[]): string[] => [...new Set(lines.map(([name]) => name))];

/** Every forged forwarding header, in every spelling, with and without a certificate, on every host. */
export const forgedCase: DoctorCase = {
  id: 'forged',
  async run(context) {
    const out: CaseResult[] = [];
    for (const { label, target } of hosts(context)) {
      for (const spelling of Object.keys(SPELLINGS) as Spelling[]) {
        for (const withCertificate of [true, false]) {
          const headers = forgedHeaders(spelling, context.forged, context.app);
          const observation = await context.request({ target, headers, ...(withCertificate ? { credentials: context.credentials } : {}) });
          const verdict = judgeForged(observation, {
            sentCertificate: withCertificate && label === 'mtls', realThumbprint: context.realThumbprint, forged: context.forged,
            app: context.app, problem: problemFor(label, spelling), sentNames: names(headers),
            ...(label === 'mtls' && !withCertificate ? { baseline: context.withoutCertificate } : {}),
          });
          out.push(result(`forged/${label}/${spelling}/${withCertificate ? 'with' : 'without'}-certificate`, {
            ...verdict, detail: `${target.hostname}, ${forgedNames(context.app).length} forwarding headers ${SPELLINGS[spelling].title}, ${withCertificate ? 'with' : 'without'} a certificate: ${verdict.detail}`,
          }));
        }
      }
    }
    return out;
  },
};

/** Numbered chain headers past the last one the proxy sets, when the app reads numbered ones. */
export const chainBeyondCase: DoctorCase = {
  id: 'forged-chain',
  async run(context) {
    const headers = forgedChainBeyond(context.forged, context.app);
    if (headers.length === 0) return [];
    const out: CaseResult[] = [];
    for (const { label, target } of hosts(context)) {
      const observation = await context.request({ target, headers, credentials: context.credentials });
      const verdict = judgeForged(observation, {
        sentCertificate: label === 'mtls', realThumbprint: context.realThumbprint, forged: context.forged, app: context.app,
        problem: label === 'plain' ? 'plain-host-clear' : 'chain-beyond', sentNames: names(headers),
      });
      out.push(result(`forged/${label}/chain-past-the-last`, { ...verdict, detail: `${target.hostname}, ${names(headers).join(', ')}, with a certificate: ${verdict.detail}` }));
    }
    return out;
  },
};

/** Only the verification headers, saying SUCCESS, without a certificate. */
export const verifyOnlyCase: DoctorCase = {
  id: 'verify-only',
  async run(context) {
    const out: CaseResult[] = [];
    for (const { label, target } of hosts(context)) {
      const headers = forgedVerifyOnly(context.app);
      const observation = await context.request({ target, headers });
      const verdict = judgeForged(observation, {
        sentCertificate: false, realThumbprint: context.realThumbprint, forged: context.forged, app: context.app,
        problem: 'verify-clear', sentNames: names(headers), ...(label === 'mtls' ? { baseline: context.withoutCertificate } : {}),
      });
      out.push(result(`verify-only/${label}`, { ...verdict, detail: `${target.hostname}, only ${names(headers).join(', ')}: SUCCESS, without a certificate: ${verdict.detail}` }));
    }
    return out;
  },
};
