import type { IncomingMessage } from 'node:http';
import { CertificateHeaderError } from '../certificate/errors.js';
import { readOpensslStyle } from './presets/verification.js';
import type { ClientCertificateVerification } from './request.js';

/** The header names the middleware reads, lower-case. */
export interface HeaderNames {
  readonly header: string;
  readonly chainHeader: string | undefined;
  readonly chainIsNumbered: boolean;
  /** The verification headers, in the order their values are read. */
  readonly verifyHeaders: readonly string[];
}

/** Every copy of the forwarding headers found in one request, in arrival order. */
export interface ForwardedHeaderCopies {
  readonly certificate: string[];
  /** Copies of each verification header, by its index in `verifyHeaders`. */
  readonly verify: string[][];
  /** Chain values by index (numbered Apache headers) or at index 0 (one chain header). */
  readonly chain: string[][];
  /** The header names as the peer spelled them, for log lines. */
  readonly names: string[];
  /**
   * Copies under a spelling the proxy may not have cleared (`X_SSL_Client_Cert`; a chain header
   * numbered past MAX_NUMBERED_CHAIN_HEADERS). Never read as values: their presence refuses the request.
   */
  readonly suspicious: string[];
}

/** The numbered chain headers the Apache template sets (0..3); a higher number was not set by it. */
export const MAX_NUMBERED_CHAIN_HEADERS = 4;

/**
 * Spellings some proxies and frameworks treat as one name (case, `_` for `-`) count as one
 * header, so that `X_SSL_Client_Cert` next to `X-SSL-Client-Cert` is a duplicate, not a bypass.
 */
const canonical = (name: string): string => name.toLowerCase().replaceAll('_', '-');

/**
 * Collects every copy of the forwarding headers from `rawHeaders` (which, unlike `req.headers`,
 * keeps repeated lines apart instead of joining them with ", ").
 */
export function collectForwardedHeaders(rawHeaders: readonly string[], names: HeaderNames): ForwardedHeaderCopies {
  const header = canonical(names.header);
  const verifyHeaders = names.verifyHeaders.map(canonical);
  const chainHeader = names.chainHeader === undefined ? undefined : canonical(names.chainHeader);
  const exact = { header: names.header.toLowerCase(), verifyHeaders: names.verifyHeaders.map((name) => name.toLowerCase()), chainHeader: names.chainHeader?.toLowerCase() };
  const found: ForwardedHeaderCopies = { certificate: [], verify: verifyHeaders.map(() => []), chain: [], names: [], suspicious: [] };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!;
    const name = canonical(raw);
    const value = rawHeaders[i + 1]!;
    let list: string[] | undefined;
    const verifyIndex = verifyHeaders.indexOf(name);
    if (name === header) list = found.certificate;
    else if (verifyIndex >= 0) list = found.verify[verifyIndex];
    else if (chainHeader !== undefined && name.startsWith(chainHeader)) {
      const index = chainIndex(name.slice(chainHeader.length), names.chainIsNumbered);
      if (index !== undefined) list = found.chain[index] ??= [];
      else if (names.chainIsNumbered) {
        // `-00`, `-1000`, a bare prefix: no proxy numbers its chain headers so; never read, always stripped.
        found.names.push(raw);
        found.suspicious.push(raw);
      }
    }
    if (list) {
      found.names.push(raw);
      // Apache's `RequestHeader unset X-A` leaves `X_A` alone: a copy spelled otherwise than the
      // configured name (case aside) is the client's, not the proxy's.
      const lower = raw.toLowerCase();
      const spelledAsConfigured = list === found.certificate ? lower === exact.header
        : verifyIndex >= 0 ? lower === exact.verifyHeaders[verifyIndex] : exact.chainHeader !== undefined && lower.startsWith(exact.chainHeader);
      if (!spelledAsConfigured || list === found.chain[MAX_NUMBERED_CHAIN_HEADERS]) found.suspicious.push(raw);
      else list.push(value);
    }
  }
  return found;
}

function chainIndex(suffix: string, numbered: boolean): number | undefined {
  if (!numbered) return suffix === '' ? 0 : undefined;
  // Apache numbers SSL_CLIENT_CERT_CHAIN_n from 0, without leading zeros.
  if (!/^(0|[1-9][0-9]*)$/.test(suffix) || suffix.length > 4) return undefined;
  return Math.min(Number(suffix), MAX_NUMBERED_CHAIN_HEADERS);
}

/** Whether the request carries any forwarding header at all. */
export const hasForwardedHeaders = (copies: ForwardedHeaderCopies): boolean => copies.names.length > 0;

/**
 * The one value of a header, or undefined when absent.
 * @throws {CertificateHeaderError} `ERR_CERT_HEADER_DUPLICATE` when it arrived more than once
 */
export function singleValue(values: readonly string[], name: string): string | undefined {
  if (values.length > 1) throw new CertificateHeaderError('ERR_CERT_HEADER_DUPLICATE', `${name} arrived ${values.length} times`);
  return values[0];
}

/**
 * The chain values to decode, in order. Numbered headers stop at the first missing index;
 * Apache's `(null)` stays in: the decoder reads it as "no certificate here" and refuses a hole.
 * With `isList` (RFC 9440 `Client-Cert-Chain`), every field line is kept, in order.
 * @throws {CertificateHeaderError} `ERR_CERT_HEADER_DUPLICATE` for a repeated chain header that is not a list
 */
export function chainValues(copies: ForwardedHeaderCopies, name: string, isList = false): string[] {
  // RFC 9440 section 2.3 / RFC 9110 section 5.3: a list field may arrive on several field lines,
  // which together are one list; the decoder reads each line as part of it.
  if (isList) return [...(copies.chain[0] ?? [])];
  const out: string[] = [];
  for (let index = 0; index < copies.chain.length; index++) {
    const values = copies.chain[index];
    if (values === undefined) break;
    const value = singleValue(values, `${name}${index === 0 && copies.chain.length === 1 ? '' : ` #${index}`}`);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * Reads an OpenSSL-style verification header as nginx `$ssl_client_verify` and Apache
 * `SSL_CLIENT_VERIFY` send it: `SUCCESS`, `NONE` or `FAILED:reason` (Apache also `GENEROUS`:
 * failed, let through by `optional_no_ca`). Anything else is `UNKNOWN`, which `requireVerified` refuses.
 */
export const parseVerification = readOpensslStyle;

/**
 * Removes every copy of the forwarding headers from the request (`untrusted: 'ignore'`), from
 * `req.headers`, `req.rawHeaders` and `req.headersDistinct`, so later handlers cannot read them.
 */
export function stripForwardedHeaders(req: IncomingMessage, copies: ForwardedHeaderCopies): void {
  const drop = new Set(copies.names);
  // Node builds headers and headersDistinct lazily from rawHeaders and its original count:
  // build them before rawHeaders shrinks.
  const { headers, headersDistinct } = req;
  for (const name of drop) {
    delete headers[name.toLowerCase()];
    delete headersDistinct[name.toLowerCase()];
  }
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (drop.has(raw[i]!)) raw.splice(i, 2);
  }
}
