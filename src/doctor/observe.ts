import type { ProbeReport } from '../proxy/probe-report.js';
import type { Answer } from './client.js';

/** What one answer tells doctor about the app behind the proxy. */
export type Observation =
  /** The probe (or `mtls-pop echo`) answered: what the certificate middleware saw. */
  | { readonly kind: 'probe'; readonly report: ProbeReport; readonly resumed: boolean; readonly server?: string }
  /** The app's certificate middleware refused the request (its OAuth JSON error). */
  | { readonly kind: 'app-refusal'; readonly status: number; readonly code: string; readonly description: string; readonly server?: string }
  /** Someone in front of the app (the proxy) answered 4xx itself. */
  | { readonly kind: 'proxy-refusal'; readonly status: number; readonly server?: string }
  /** The TLS handshake failed: the server refused the client (or its certificate). */
  | { readonly kind: 'tls-refusal'; readonly message: string }
  /** No usable answer: a network error, a 5xx, or a 2xx/3xx that is not the probe. */
  | { readonly kind: 'no-answer'; readonly message: string; readonly status?: number; readonly server?: string };

/** Reads an answer. The middleware's refusal codes appear in its description: `(ERR_CERT_...)`. */
export function observe(answer: Answer): Observation {
  if (answer.kind === 'tls-error') return { kind: 'tls-refusal', message: answer.message };
  if (answer.kind === 'network-error') return { kind: 'no-answer', message: answer.message };
  const server = answer.headers.server;
  const json = parseJson(answer.body);
  if (json && json.mtlsPopProbe === 1) return { kind: 'probe', report: json as unknown as ProbeReport, resumed: answer.resumed, ...(server ? { server } : {}) };
  if (json && typeof json.error === 'string' && answer.status >= 400 && answer.status < 500) {
    const description = typeof json.error_description === 'string' ? json.error_description : '';
    const code = /\((ERR_[A-Z_]+)\)/.exec(description)?.[1]
      ?? (/only from a trusted proxy/.test(description) ? 'UNTRUSTED_PEER'
        : answer.status === 401 ? 'CERTIFICATE_REQUIRED'
          : answer.status === 429 ? 'PROBE_RATE_LIMIT' : json.error);
    if (code === 'PROBE_RATE_LIMIT') return { kind: 'no-answer', status: 429, message: 'the probe is rate-limited (maxRequestsPerMinute); run doctor again in a minute' };
    return { kind: 'app-refusal', status: answer.status, code, description, ...(server ? { server } : {}) };
  }
  // Node itself answers 431 to headers over 16 KiB: the request may have passed the proxy.
  if (answer.status === 431) return { kind: 'no-answer', status: 431, message: 'answered 431 (headers too large) without saying who: the proxy, or the app behind it' };
  if (answer.status >= 400 && answer.status < 500) return { kind: 'proxy-refusal', status: answer.status, ...(server ? { server } : {}) };
  return { kind: 'no-answer', status: answer.status, message: answer.status >= 500 ? `answered ${answer.status}` : `answered ${answer.status} without the probe's report (wrong --probe-secret, or no probe mounted)`, ...(server ? { server } : {}) };
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** One-phrase description of an observation, for a report line. */
export function describe(observation: Observation): string {
  switch (observation.kind) {
    case 'probe': return 'the app answered';
    case 'app-refusal': return `the app refused it (${observation.status} ${observation.code})`;
    case 'proxy-refusal': return `the proxy refused it (${observation.status})`;
    case 'tls-refusal': return `the TLS handshake was refused (${observation.message.slice(0, 80)})`;
    case 'no-answer': return `no answer from the app (${observation.message.slice(0, 120)})`;
  }
}
