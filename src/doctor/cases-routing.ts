import { forgedHeaders, forgedNames, forgedValue, type HeaderLine } from './forged.js';
import { judgeForged, type Verdict } from './judge.js';
import { describe } from './observe.js';
import type { CaseResult, DoctorCase, DoctorContext } from './types.js';

const names = (lines: readonly HeaderLine[]): string[] => [...new Set(lines.map(([name]) => name))];
const skip = (id: string, detail: string): CaseResult => ({ id, status: 'SKIP', detail });

/**
 * SNI and Host disagreeing: a proxy routes the request by one and checks the certificate by the
 * other. Both names are hosts the user gave.
 */
export const sniCase: DoctorCase = {
  id: 'sni',
  async run(context) {
    if (!context.plain) return [skip('sni/mtls-sni-plain-host', 'needs --url (the plain host)'), skip('sni/plain-sni-mtls-host', 'needs --url (the plain host)')];
    const plain = context.plain;
    const headers = forgedHeaders('as-documented-twice', context.forged, context.app);
    const expectation = { realThumbprint: context.realThumbprint, forged: context.forged, app: context.app, problem: 'every-server-block' as const, sentNames: names(headers) };
    const out: CaseResult[] = [];
    // The handshake with the mTLS host (which asks for the certificate), the request for the plain host.
    const first = await context.request({ target: context.mtls, host: plain.url.host, credentials: context.credentials, headers });
    const v1 = judgeForged(first, { ...expectation, sentCertificate: true });
    out.push({ id: 'sni/mtls-sni-plain-host', ...v1, detail: `TLS name ${context.mtls.hostname}, Host ${plain.url.host}, with a certificate and forged headers: ${v1.detail}` });
    // The handshake with the plain host (no certificate asked), the request for the mTLS host.
    const second = await context.request({ target: context.mtls, servername: plain.hostname, credentials: context.credentials, headers });
    // On a listener of its own the mTLS host asks for the certificate whatever the TLS name: then
    // the app rightly sees the real one. Only a forged one, or SUCCESS without one, is a failure.
    const handshakeSent = second.kind === 'probe' && second.report.certificate?.thumbprint === context.realThumbprint;
    const v2: Verdict = judgeForged(second, { ...expectation, sentCertificate: handshakeSent });
    out.push({ id: 'sni/plain-sni-mtls-host', ...v2, detail: `TLS name ${plain.hostname}, Host ${context.mtls.url.host}, forged headers: ${v2.detail}` });
    return out;
  },
};

/** TLS 1.3 session resumption from the plain host onto the mTLS host (CVE-2025-23419, CVE-2025-23048). */
export const resumptionCase: DoctorCase = {
  id: 'resumption',
  async run(context) {
    const id = 'resumption/plain-to-mtls';
    if (!context.plain) return [skip(id, 'needs --url (the plain host)')];
    if (context.plain.address !== context.mtls.address || context.plain.port !== context.mtls.port) {
      return [{ id, status: 'PASS', detail: 'the plain and mTLS hosts are on different addresses or ports: no session crosses between them' }];
    }
    const plain = context.plain;
    const first = await context.request({ target: plain, tlsVersion: 'TLSv1.3' });
    if (first.kind !== 'probe' && first.kind !== 'app-refusal' && first.kind !== 'proxy-refusal') return [{ id, status: 'SKIP', detail: `no TLS 1.3 answer from ${plain.hostname}: ${describe(first)}` }];
    const session = first.session;
    if (!session) return [{ id, status: 'PASS', detail: `${plain.hostname} issued no TLS 1.3 session ticket: nothing to resume` }];
    const second = await context.request({ target: context.mtls, tlsVersion: 'TLSv1.3', session });
    if (second.kind === 'tls-refusal' || second.kind === 'proxy-refusal') return [{ id, status: 'PASS', detail: `resuming on ${context.mtls.hostname}: ${describe(second)}` }];
    if (second.kind === 'app-refusal' && context.withoutCertificate === `refused:${second.code}`) {
      return [{ id, status: 'WARN', detail: `inconclusive: resuming on ${context.mtls.hostname}, ${describe(second)}, as every request without a certificate (see no-certificate)` }];
    }
    if (second.kind !== 'probe') return [{ id, status: 'WARN', detail: `resuming on ${context.mtls.hostname}: ${describe(second)}` }];
    if (!second.resumed) return [{ id, status: 'PASS', detail: `${context.mtls.hostname} refused to resume the session from ${plain.hostname}: a full handshake` }];
    if (second.report.certificate || second.report.verification?.status === 'SUCCESS') {
      return [{ id, status: 'FAIL', detail: `${context.mtls.hostname} resumed a session from ${plain.hostname} and the app saw a verified client`, problem: 'resumption' }];
    }
    // A resumed session carries no certificate here: harmless where a fresh handshake may omit one
    // too, a bypass where the host requires one (CVE-2025-23419 and its kin).
    if (context.withoutCertificate === 'requires') {
      return [{ id, status: 'FAIL', detail: `${context.mtls.hostname} requires a client certificate, yet resumed a TLS 1.3 session from ${plain.hostname} that carries none and passed the request to the app`, problem: 'resumption' }];
    }
    return [{ id, status: 'PASS', detail: `${context.mtls.hostname} resumed a TLS 1.3 session from ${plain.hostname}; it carries no certificate and the app saw none, as without a certificate (this host does not require one; one that did would be bypassed)` }];
  },
};

/** Just under the common 8 KiB header-line limits of nginx (large_client_header_buffers) and Apache (LimitRequestFieldSize). */
const NEAR_LIMIT = 7900;

/** A forged certificate header padded to near the size limits, beside the real certificate. */
export const sizeCase: DoctorCase = {
  id: 'size-limit',
  async run(context) {
    const name = context.app.header ?? 'X-SSL-Client-Cert';
    const value = forgedValue(name, context.forged, context.app);
    const padded = value + 'A'.repeat(Math.max(0, NEAR_LIMIT - name.length - 2 - value.length));
    const headers: HeaderLine[] = [[name, padded]];
    const observation = await context.request({ target: context.mtls, credentials: context.credentials, headers });
    const verdict = judgeForged(observation, {
      sentCertificate: true, realThumbprint: context.realThumbprint, forged: context.forged, app: context.app, problem: 'mtls-clear', sentNames: [name],
    });
    if (verdict.status === 'PASS' && observation.kind === 'probe' && observation.report.certificate?.thumbprint !== context.realThumbprint) {
      return [{ id: 'size-limit', status: 'WARN', detail: `a ${padded.length}-byte forged ${name} beside your certificate: no forgery reached the app, but neither did your certificate`, problem: 'forward-certificate' }];
    }
    return [{ id: 'size-limit', ...verdict, detail: `a ${padded.length}-byte forged ${name} beside your certificate: ${verdict.detail}` }];
  },
};

/** The app's own address, from this machine: forged headers from a peer that is not the proxy. */
export const backendCase: DoctorCase = {
  id: 'backend',
  async run(context: DoctorContext) {
    const id = 'backend/untrusted-peer';
    if (!context.backend) return [skip(id, 'needs --backend-url (the app behind the proxy)')];
    const headers = forgedHeaders('lower-case', context.forged, context.app);
    const observation = await context.request({ target: context.backend, headers });
    const where = `${context.backend.url.host} directly, with ${forgedNames(context.app).length} forged forwarding headers`;
    switch (observation.kind) {
      case 'app-refusal':
        if (observation.code === 'UNTRUSTED_PEER') return [{ id, status: 'PASS', detail: `${where}: the app refused them (400: not a trusted proxy)` }];
        return [{ id, status: 'FAIL', detail: `${where}: the app read them as coming from its proxy and refused them only for their content (${observation.code})`, problem: 'backend-trust' }];
      case 'tls-refusal':
      case 'proxy-refusal':
        return [{ id, status: 'PASS', detail: `${where}: ${describe(observation)}` }];
      case 'no-answer':
        return [{ id, status: observation.status === undefined ? 'PASS' : 'WARN', detail: `${where}: ${observation.status === undefined ? `not reachable from here (${observation.message.slice(0, 80)})` : describe(observation)}` }];
      case 'probe': {
        const { report } = observation;
        if (report.certificate?.thumbprint === context.forged.thumbprint) return [{ id, status: 'FAIL', detail: `${where}: the app ACCEPTED the forged certificate from this machine`, problem: 'backend-trust' }];
        if (report.middleware.trusted === true) return [{ id, status: 'FAIL', detail: `${where}: the app trusts this machine as its proxy`, problem: 'backend-trust' }];
        return [{ id, status: 'PASS', detail: `${where}: the app ignored them (this machine is not a trusted proxy)` }];
      }
    }
  },
};
