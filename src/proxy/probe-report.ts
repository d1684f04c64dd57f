import type { IncomingMessage } from 'node:http';
import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import { parseForwardedCertificate } from '../forwarded/index.js';
import type { ClientCertificateVerification } from './request.js';
import { middlewareView } from './seen.js';

/** The header a probe request carries its secret in. */
export const PROBE_HEADER = 'mtls-pop-probe';
/** Optional: a string (16 to 128 characters) the prober planted in its forged values; the report says which copies carry it. */
export const PROBE_MARKER_HEADER = 'mtls-pop-probe-marker';

/** One copy of a forwarding header as it reached the app: facts about the value, never the value. */
export interface ProbeHeaderCopy {
  readonly length: number;
  /** `certificate`, `empty` (the proxy's "no certificate": '' or `(null)`), the decode error's code, or `verification` for a verification header (not decoded). */
  readonly decoded: string;
  /** The `x5t#S256` of the certificate the value decodes to (any format), when it decodes. */
  readonly thumbprint?: string;
  /** Whether the value carries the prober's marker (only with `mtls-pop-probe-marker`). */
  readonly marker?: boolean;
  /** For a verification header: the value when it is one of the verification words, else `other`. */
  readonly verify?: string;
}

/** What a probe answers: what the certificate middleware saw and decided for this very request. */
export interface ProbeReport {
  readonly mtlsPopProbe: 1;
  /** Whether `clientCertificate()` ran before the probe, and with which header names. */
  readonly middleware: {
    readonly ran: boolean;
    readonly source?: 'header' | 'tls';
    readonly trusted?: boolean;
    readonly header?: string;
    readonly verifyHeader?: string;
    readonly chainHeader?: string;
    readonly chainIsNumbered?: boolean;
    readonly format?: string;
  };
  /** The certificate the middleware accepted (`req.clientCertificate`), as thumbprints. */
  readonly certificate: { readonly thumbprint: string; readonly chain: readonly string[] } | null;
  readonly verification: ClientCertificateVerification | null;
  /** Every forwarding header that reached the app, by name as spelled, in arrival order. */
  readonly headers: readonly { readonly name: string; readonly copies: readonly ProbeHeaderCopy[] }[];
}

// A name is reported when, in lower case with `_` read as `-`, it looks like a certificate
// forwarding or verification header of any proxy (X-SSL-Client-Cert, Client-Cert, XFCC,
// X-ARR-ClientCert, Cf-Client-Cert-Der-Base64, ssl-client-verify, X-Amzn-Mtls-Clientcert...).
const FORWARDING_NAME = /cert|verif|xfcc|ssl-client/;
const VERIFY_NAME = /verif/;
const VERIFY_WORD = /^(?:SUCCESS|NONE|GENEROUS|FAILED(?::[ -~]{0,160})?|-?[0-9]{1,4}|true|false|on|off|yes|no)$/i;
const MAX_REPORTED_HEADERS = 64;
const MIN_MARKER = 16;
const MAX_MARKER = 128;

const canonical = (name: string): string => name.toLowerCase().replaceAll('_', '-');

/**
 * Builds the probe's answer for `req`: after `clientCertificate()` has run, what it decided,
 * and the forwarding headers as they arrived. Values are never copied: only their length, what
 * they decode to (thumbprints are public facts) and whether they carry the prober's marker.
 */
export function probeReport(req: IncomingMessage & { clientCertificate?: ClientCertificate; clientCertificateVerification?: ClientCertificateVerification }): ProbeReport {
  const view = middlewareView(req);
  const markerValue = headerValue(req, PROBE_MARKER_HEADER);
  const marker = markerValue !== undefined && markerValue.length >= MIN_MARKER && markerValue.length <= MAX_MARKER ? markerValue : undefined;
  const configured = new Set([view?.header, view?.verifyHeader].filter((name): name is string => name !== undefined).map(canonical));
  const chainPrefix = view?.chainHeader === undefined ? undefined : canonical(view.chainHeader);
  const byName = new Map<string, ProbeHeaderCopy[]>();
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!;
    const lower = canonical(name);
    if (lower === PROBE_HEADER || lower === PROBE_MARKER_HEADER) continue;
    if (!FORWARDING_NAME.test(lower) && !configured.has(lower) && !(chainPrefix !== undefined && lower.startsWith(chainPrefix))) continue;
    let copies = byName.get(name);
    if (!copies) {
      if (byName.size >= MAX_REPORTED_HEADERS) continue;
      copies = [];
      byName.set(name, copies);
    }
    copies.push(describeCopy(raw[index + 1]!, VERIFY_NAME.test(lower), marker));
  }
  const certificate = req.clientCertificate;
  return {
    mtlsPopProbe: 1,
    middleware: view === undefined ? { ran: false } : {
      ran: true, source: view.source, trusted: view.trusted,
      ...(view.header !== undefined ? { header: view.header } : {}),
      ...(view.verifyHeader !== undefined ? { verifyHeader: view.verifyHeader } : {}),
      ...(view.chainHeader !== undefined ? { chainHeader: view.chainHeader, chainIsNumbered: view.chainIsNumbered } : {}),
      ...(view.format !== undefined ? { format: view.format } : {}),
    },
    certificate: certificate ? { thumbprint: certificate.thumbprint, chain: certificate.chain.map((link) => link.thumbprint) } : null,
    verification: req.clientCertificateVerification ?? null,
    headers: [...byName].map(([name, copies]) => ({ name, copies })),
  };
}

function describeCopy(value: string, isVerify: boolean, marker: string | undefined): ProbeHeaderCopy {
  let decoded = 'verification';
  let thumbprint: string | undefined;
  if (!isVerify) try {
    thumbprint = parseForwardedCertificate(value, 'auto').thumbprint;
    decoded = 'certificate';
  } catch (error) {
    const code = error instanceof CertificateHeaderError ? error.code : 'ERR_CERT_INVALID';
    decoded = code === 'ERR_CERT_HEADER_EMPTY' || code === 'ERR_CERT_HEADER_ABSENT' ? 'empty' : code;
  }
  return {
    length: value.length,
    decoded,
    ...(thumbprint !== undefined ? { thumbprint } : {}),
    ...(marker !== undefined ? { marker: value.includes(marker) || safeDecode(value).includes(marker) } : {}),
    ...(isVerify ? { verify: VERIFY_WORD.test(value.trim()) ? value.trim() : 'other' } : {}),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
