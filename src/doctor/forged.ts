import { derToPem } from '../certificate/pem.js';
import { PRESET_HEADER_NAMES } from '../proxy/presets/index.js';
import { FORWARDING_HEADERS } from '../templates/index.js';
import type { ThrowawayCertificate } from './throwaway.js';

/** A header line exactly as doctor sends it. */
export type HeaderLine = readonly [name: string, value: string];

/** How a client spells a forwarding header to slip it past a proxy that clears only one spelling. */
export const SPELLINGS = {
  'as-documented-twice': { title: 'as documented, those the app reads twice', spell: (name: string) => name, twice: true },
  'lower-case': { title: 'in lower case', spell: (name: string) => name.toLowerCase(), twice: false },
  'upper-case': { title: 'in upper case', spell: (name: string) => name.toUpperCase(), twice: false },
  underscores: { title: 'with underscores for dashes', spell: (name: string) => name.replaceAll('-', '_'), twice: false },
  'one-underscore': { title: 'with the first dash an underscore', spell: (name: string) => name.replace('-', '_'), twice: false },
} as const;
export type Spelling = keyof typeof SPELLINGS;

/** The header names the app reads, as the probe reported them. */
export interface AppHeaders {
  readonly header?: string;
  readonly verifyHeader?: string;
  readonly chainHeader?: string;
  readonly chainIsNumbered?: boolean;
  readonly format?: string;
}

/** The numbered chain headers a proxy sets (0..3, CHAIN_HEADER_COUNT), and ones past them or oddly numbered that a client may invent. */
const NUMBERED = ['0', '1', '2', '3'];
const NUMBERED_BEYOND = ['4', '10', '00'];

/**
 * Every header name doctor forges: each name any template clears (FORWARDING_HEADERS) or any
 * preset reads or sets beside the certificate (PRESET_HEADER_NAMES), and the app's own header
 * names (numbered chain headers included).
 */
export function forgedNames(app: AppHeaders): string[] {
  const names = [...FORWARDING_HEADERS, ...PRESET_HEADER_NAMES];
  for (const name of [app.header, app.verifyHeader]) if (name) names.push(name);
  if (app.chainHeader) {
    if (app.chainIsNumbered) names.push(...NUMBERED.map((index) => `${app.chainHeader}${index}`));
    else names.push(app.chainHeader);
  }
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const isVerifyName = (name: string): boolean => /verif/i.test(name);
const canonical = (name: string): string => name.toLowerCase().replaceAll('_', '-');

/** Whether the app's certificate middleware reads this name (any spelling). */
export function readByApp(name: string, app: AppHeaders): boolean {
  const lower = canonical(name);
  if (app.header && lower === canonical(app.header)) return true;
  if (app.verifyHeader && lower === canonical(app.verifyHeader)) return true;
  return app.chainHeader !== undefined && lower.startsWith(canonical(app.chainHeader));
}

/** The forged certificate encoded as the format a header of this name carries, so an app would decode it. */
export function forgedValue(name: string, forged: ThrowawayCertificate, app: AppHeaders): string {
  const lower = name.toLowerCase();
  if (isVerifyName(lower)) return 'SUCCESS';
  const pem = derToPem(forged.der);
  const base64 = forged.der.toString('base64');
  const format = lower === app.header?.toLowerCase() || (app.chainHeader && lower.startsWith(app.chainHeader.toLowerCase())) ? app.format : undefined;
  switch (format ?? formatByName(lower)) {
    case 'apache': return pem.trim().replaceAll('\n', ' ');
    case 'apache-escaped': return encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%2F/g, '/').replace(/%3D/g, '=').toLowerCase();
    case 'rfc9440': return `:${base64}:`;
    case 'xfcc': return `Hash=${forged.der.length};Cert="${encodeURIComponent(pem)}"`;
    case 'aws-alb': return encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%2F/g, '/').replace(/%3D/g, '=');
    case 'base64-der': return base64;
    default: return encodeURIComponent(pem);
  }
}

function formatByName(lower: string): string {
  if (lower === 'client-cert' || lower === 'client-cert-chain') return 'rfc9440';
  if (lower === 'x-forwarded-client-cert') return 'xfcc';
  if (lower.startsWith('x-amzn-mtls')) return 'aws-alb';
  if (lower.startsWith('x-ssl-client-cert')) return 'nginx';
  return 'base64-der';
}

/** Chain headers numbered past the ones a proxy sets (`...-4`, `...-10`, `...-00`), when the app reads numbered ones. */
export function forgedChainBeyond(forged: ThrowawayCertificate, app: AppHeaders): HeaderLine[] {
  if (!app.chainHeader || !app.chainIsNumbered) return [];
  return NUMBERED_BEYOND.map((index) => [`${app.chainHeader}${index}`, forgedValue(app.chainHeader!, forged, app)] as const);
}

/**
 * Every forgeable name in one spelling (`as-documented-twice`: the names the app reads twice). The names the app reads carry the forged certificate in
 * the app's format (verification headers: `SUCCESS`); the others only the marker, which keeps the
 * request under the app's 16 KiB header limit (Node answers 431 above it).
 */
export function forgedHeaders(spelling: Spelling, forged: ThrowawayCertificate, app: AppHeaders): HeaderLine[] {
  const { spell, twice } = SPELLINGS[spelling];
  return forgedNames(app).flatMap((name) => {
    const read = readByApp(name, app);
    const value = read || isVerifyName(name) ? forgedValue(name, forged, app) : `forged-${forged.marker}`;
    const line: HeaderLine = [spell(name), value];
    // Repeats only of the names the app reads: HAProxy refuses a request of over 101 header lines (tune.http.maxhdr).
    return twice && read ? [line, line] : [line];
  });
}

/** Only the verification headers, saying `SUCCESS`: a client claiming "the proxy verified me". */
export function forgedVerifyOnly(app: AppHeaders): HeaderLine[] {
  return forgedNames(app).filter(isVerifyName).map((name) => [name, 'SUCCESS'] as const);
}
