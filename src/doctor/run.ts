import { X509Certificate } from 'node:crypto';
import { thumbprint } from '../certificate/thumbprint.js';
import { PROBE_HEADER, PROBE_MARKER_HEADER } from '../proxy/probe-report.js';
import { backendCase, resumptionCase, sizeCase, sniCase } from './cases-routing.js';
import { certificateCase, chainBeyondCase, forgedCase, noCertificateCase, unknownCaCase, verifyOnlyCase } from './cases.js';
import { resolveTarget, send, type ClientCredentials, type Target } from './client.js';
import { fixLines, proxyFromServerHeader, type ProxyKind } from './fixes.js';
import type { AppHeaders } from './forged.js';
import { describe, observe } from './observe.js';
import { throwawayCertificate } from './throwaway.js';
import type { CaseResult, CaseStatus, DoctorCase, DoctorContext } from './types.js';

/** What `runDoctor` checks, and where. Doctor sends requests to these URLs only. */
export interface DoctorOptions {
  /** The host that asks for client certificates (RFC 8705 section 5 alias), e.g. `https://mtls.as.example.com/`. Required. */
  mtlsUrl: string;
  /** The plain host on the same proxy, e.g. `https://as.example.com/`. Default: none (its cases are skipped). */
  url?: string;
  /** The app's own address behind the proxy, which must refuse forged headers from this machine. Default: none. */
  backendUrl?: string;
  /** Client certificate (PEM) the proxy accepts, and its key. Required. */
  cert: string;
  key: string;
  /** CA bundle (PEM) that verifies the proxy's server certificate. Default: Node's roots. */
  ca?: string;
  /** The secret of the app's `clientCertificateProbe()` (anything for `mtls-pop echo`). Required. */
  probeSecret: string;
  /** What the app is expected to read: a mismatch with what the probe reports is a WARN. Default: none. */
  expect?: AppHeaders;
  /** The proxy in front, for the fixes. Default: read from the `Server` header, else every proxy's fix. */
  proxy?: ProxyKind;
  /** Host name -> address, used instead of DNS (like curl's `--resolve`). Default: none. */
  addresses?: Readonly<Record<string, string>>;
  /** Source address of every connection. Default: the system's choice. */
  localAddress?: string;
  /** Per request. Default `10000` ms. */
  requestTimeoutMs?: number;
  /** Most requests of a run. Default `120`. */
  maxRequests?: number;
}

export interface DoctorReport {
  readonly targets: { readonly mtls: string; readonly plain?: string; readonly backend?: string };
  readonly proxy?: ProxyKind;
  readonly app?: AppHeaders;
  readonly cases: readonly CaseResult[];
  readonly summary: Readonly<Record<CaseStatus, number>>;
  /** Whether nothing failed: the CLI's exit code 0. */
  readonly ok: boolean;
  readonly requests: number;
}

/** The cases, in report order, after the probe check. */
export const DOCTOR_CASES: readonly DoctorCase[] = [certificateCase, noCertificateCase, unknownCaCase, forgedCase, chainBeyondCase, verifyOnlyCase, sniCase, resumptionCase, sizeCase, backendCase];

/**
 * Runs every check against a deployment and returns the report (it never throws for what the
 * deployment answers; it throws TypeError for bad options and when a URL does not resolve).
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  if (typeof options.probeSecret !== 'string' || options.probeSecret.length === 0) throw new TypeError('doctor: the probe secret is required');
  const addresses = Object.fromEntries(Object.entries(options.addresses ?? {}).map(([name, address]) => [name.toLowerCase(), address]));
  const mtls = await resolveTarget(options.mtlsUrl, '--mtls-url', addresses);
  if (!mtls.tls) throw new TypeError('--mtls-url: must be an https:// URL');
  const plain = options.url ? await resolveTarget(options.url, '--url', addresses) : undefined;
  const backend = options.backendUrl ? await resolveTarget(options.backendUrl, '--backend-url', addresses) : undefined;
  const credentials: ClientCredentials = { cert: options.cert, key: options.key };
  let der: Buffer;
  try {
    der = Buffer.from(new X509Certificate(options.cert).raw);
  } catch {
    throw new TypeError('--cert: not a PEM certificate');
  }
  const forged = await throwawayCertificate();
  const maxRequests = options.maxRequests ?? 120;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  let requests = 0;
  let detected: ProxyKind | undefined;
  const context: DoctorContext = {
    mtls, plain, backend, credentials, realThumbprint: thumbprint(der), forged, app: options.expect ?? {}, proxy: options.proxy,
    async request(request) {
      if (++requests > maxRequests) return { kind: 'no-answer', message: `request budget of ${maxRequests} spent` };
      const answer = await send({
        ...request, timeoutMs: requestTimeoutMs, ...(options.ca ? { ca: options.ca } : {}), ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: [[PROBE_HEADER, options.probeSecret], [PROBE_MARKER_HEADER, forged.marker], ...(request.headers ?? [])],
      });
      const observation = observe(answer);
      if ('server' in observation) detected ??= proxyFromServerHeader(observation.server);
      return { ...observation, ...(answer.kind === 'response' && answer.session ? { session: answer.session } : {}) };
    },
  };
  const cases: CaseResult[] = [];
  const preflight = await probeCheck(context, options.expect);
  cases.push(...preflight.results);
  for (const check of DOCTOR_CASES) {
    if (!preflight.answered) {
      cases.push({ id: check.id, status: 'SKIP', detail: 'the probe did not answer' });
      continue;
    }
    cases.push(...await check.run(context));
  }
  const proxy = options.proxy ?? detected;
  const withFixes = cases.map((line) => (line.problem && (line.status === 'FAIL' || line.status === 'WARN') ? { ...line, fix: fixLines(line.problem, line.names ?? [], proxy) } : line));
  const summary = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0 };
  for (const line of withFixes) summary[line.status]++;
  return {
    targets: { mtls: mtls.url.href, ...(plain ? { plain: plain.url.href } : {}), ...(backend ? { backend: backend.url.href } : {}) },
    ...(proxy ? { proxy } : {}),
    app: context.app,
    cases: withFixes,
    summary,
    ok: summary.FAIL === 0,
    requests: Math.min(requests, maxRequests),
  };
}

/** The first request: does a probe answer, does the app trust the proxy, which headers does it read? */
async function probeCheck(context: DoctorContext, expect: AppHeaders | undefined): Promise<{ answered: boolean; results: CaseResult[] }> {
  const observation = await context.request({ target: context.mtls, credentials: context.credentials });
  if (observation.kind !== 'probe') {
    return { answered: false, results: [{ id: 'probe', status: 'FAIL', detail: `no probe answered on ${context.mtls.url.href}: ${describe(observation)}; mount clientCertificateProbe({ secret }) after clientCertificate(), or run mtls-pop echo in place of the app, and pass its secret with --probe-secret` }] };
  }
  const { middleware } = observation.report;
  if (!middleware.ran) {
    return { answered: true, results: [{ id: 'probe', status: 'FAIL', detail: 'the probe answered, but clientCertificate() did not run before it: mount the probe after the certificate middleware' }] };
  }
  const app: AppHeaders = {
    ...(middleware.header ? { header: middleware.header } : {}),
    ...(middleware.verifyHeader ? { verifyHeader: middleware.verifyHeader } : {}),
    ...(middleware.chainHeader ? { chainHeader: middleware.chainHeader, chainIsNumbered: middleware.chainIsNumbered === true } : {}),
    ...(middleware.format ? { format: middleware.format } : {}),
  };
  context.app = app;
  const reads = middleware.source === 'tls' ? 'the app terminates TLS itself (source tls)'
    : `the app reads ${app.header} (format ${app.format})${app.verifyHeader ? `, verification ${app.verifyHeader}` : ''}${app.chainHeader ? `, chain ${app.chainHeader}${app.chainIsNumbered ? 'N' : ''}` : ''}`;
  const results: CaseResult[] = [];
  if (!middleware.trusted) {
    results.push({ id: 'probe', status: 'FAIL', detail: `the probe answered; ${reads}; but the proxy is NOT a trusted peer of the app`, problem: 'proxy-untrusted' });
  } else {
    results.push({ id: 'probe', status: 'PASS', detail: `the probe answered; ${reads}; the proxy is a trusted peer` });
  }
  const mismatches = (['header', 'format', 'verifyHeader', 'chainHeader'] as const)
    .filter((key) => expect?.[key] !== undefined && expect[key]!.toLowerCase() !== (app[key] ?? '').toLowerCase())
    .map((key) => `${key} ${app[key] ?? '(none)'}, not ${expect![key]}`);
  if (mismatches.length > 0) results.push({ id: 'probe/expected-headers', status: 'WARN', detail: `the app is configured with ${mismatches.join('; ')}`, problem: 'forward-certificate' });
  return { answered: true, results };
}
