import type { ClientCertificate } from '../certificate/model.js';
import { FORWARDED_FORMATS, type ForwardedFormat } from '../forwarded/index.js';
import { defaultLogger, type Logger } from '../log.js';
import { compileTrustedProxies, type PeerTrust } from './trust.js';
import { closest } from '../lib/closest.js';
import { eventSink, type EventSink, type MtlsPopEventListener } from '../events/index.js';
import { PRESETS, PRESET_NAMES, type ClientCertificatePreset, type PresetName, type VerificationReader } from './presets/index.js';
import { opensslStyle } from './presets/verification.js';

/** Options of `clientCertificate(options)`. Every option's documentation ends with its default. */
export interface ClientCertificateOptions {
  /**
   * One word for a proxy's forwarding set-up (`'nginx'`, `'traefik'`, `'aws-alb'`, ... see `PRESET_NAMES`):
   * sets `header`, `format`, `chainHeader`, `verifyHeader` and how the verify value maps to
   * SUCCESS / FAILED / NONE. Options given beside it override it. Default: none.
   */
  preset?: PresetName;
  /** Addresses allowed to send the certificate headers, in proxy-addr syntax (`loopback`, CIDRs, ...). Default: nobody. */
  trustedProxies?: string | readonly string[];
  /** Whether a request on a unix socket (no peer address) counts as coming from the proxy. Default: `false`. */
  allowUnixSocket?: boolean;
  /** The header carrying the client certificate. Default: `'x-ssl-client-cert'`. */
  header?: string;
  /** The header carrying the chain; for formats `'apache'` and `'apache-escaped'` a prefix numbered 0..n. Default: none. */
  chainHeader?: string;
  /** How the proxy encodes the certificate. Default: `'nginx'`. */
  format?: ForwardedFormat;
  /** The header carrying the proxy's verification result (`SUCCESS`, `NONE`, `FAILED:reason`; a preset's own values with `preset`). Default: none. */
  verifyHeader?: string;
  /** Whether only a certificate reported as `SUCCESS` is accepted (by `verifyHeader`, or the TLS socket's `authorized`). Default: `false`. */
  requireVerified?: boolean;
  /** What a certificate header from a peer that is not a trusted proxy gets. Default: `'reject'` (400). */
  untrusted?: 'reject' | 'ignore';
  /** Whether a request without an accepted certificate is answered 401. Default: `false`. */
  required?: boolean;
  /** Where the certificate comes from: a trusted proxy's header, or this process's own TLS socket. Default: `'header'`. */
  source?: 'header' | 'tls';
  /** Cap on each certificate header value, in bytes. Default: `16384`. */
  maxHeaderLength?: number;
  /** Entries of the parsed-certificate cache (0 disables it). Default: `10000`. */
  cacheSize?: number;
  /**
   * Path validation and revocation checking in the middleware, for proxies that verify nothing
   * (Traefik, Caddy, Envoy pass unverified certificates): a `ChainValidator` and a
   * `RevocationChecker` from `mtls-pop/chain`. A certificate that fails either is answered 401
   * `invalid_client`, its code (`ERR_CHAIN_*`, `ERR_CHAIN_REVOKED`, `ERR_REVOCATION_UNKNOWN`) in
   * the log line. Default: none (the certificate is passed on as the proxy forwarded it).
   */
  revocation?: CertificateRevocationCheck;
  /** Where the one log line per refused request goes. Default: mtls-pop's pino logger on stdout. */
  logger?: Logger;
  /** Called once per fact worth counting (untrusted headers, verify failures, refusals); see MtlsPopEvent. Default: none. */
  onEvent?: MtlsPopEventListener;
}

/**
 * What `revocation` needs, structurally (the core does not load mtls-pop/chain): `validate` returns
 * the path leaf first, `check` rejects with an error carrying a string `code`.
 */
export interface CertificateRevocationCheck {
  readonly validator: { validate(certificate: ClientCertificate, now?: Date): { readonly path: readonly ClientCertificate[] } };
  readonly checker: { check(path: readonly ClientCertificate[], now?: Date): Promise<unknown> };
}

/** The defaults, in one place: the README table is checked against this object. */
export const CLIENT_CERTIFICATE_DEFAULTS = Object.freeze({
  preset: undefined,
  trustedProxies: [] as readonly string[],
  allowUnixSocket: false,
  header: 'x-ssl-client-cert',
  chainHeader: undefined,
  format: 'nginx' as ForwardedFormat,
  verifyHeader: undefined,
  requireVerified: false,
  untrusted: 'reject' as const,
  required: false,
  source: 'header' as const,
  maxHeaderLength: 16384,
  cacheSize: 10000,
  revocation: undefined,
});

/** The options after validation: what the request path closes over. */
export interface CompiledOptions {
  readonly source: 'header' | 'tls';
  /** The preset the options started from, if any. */
  readonly preset: PresetName | undefined;
  readonly peerTrust: PeerTrust;
  readonly header: string;
  readonly chainHeader: string | undefined;
  /** Whether `chainHeader` is a prefix of numbered headers (format `'apache'`). */
  readonly chainIsNumbered: boolean;
  readonly format: ForwardedFormat;
  /** The first (usually only) verification header, for messages. */
  readonly verifyHeader: string | undefined;
  /** Every verification header, in the order `readVerification` takes their values. */
  readonly verifyHeaders: readonly string[];
  /** Maps the verification headers' values to SUCCESS / NONE / FAILED / UNKNOWN (fail closed). */
  readonly readVerification: VerificationReader;
  readonly requireVerified: boolean;
  readonly untrusted: 'reject' | 'ignore';
  readonly required: boolean;
  readonly maxHeaderLength: number;
  readonly cacheSize: number;
  readonly revocation: CertificateRevocationCheck | undefined;
  readonly logger: Logger;
  readonly emit: EventSink;
}

const KNOWN_KEYS = Object.keys(CLIENT_CERTIFICATE_DEFAULTS).concat('logger', 'onEvent');
const HEADER_ONLY_KEYS = ['preset', 'trustedProxies', 'allowUnixSocket', 'header', 'chainHeader', 'format', 'verifyHeader', 'untrusted', 'maxHeaderLength', 'cacheSize'];
// RFC 9110 section 5.1: a field name is a token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers that carry something else (credentials, framing, routing; RFC 9110, RFC 9112 section 7,
 * RFC 7239): the certificate, chain or verify header must not be one of them, or the client's own
 * value (a cookie, its Authorization) would be read as the proxy's word.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'host', 'connection', 'keep-alive',
  'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'content-length', 'content-type',
  'content-encoding', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
  'x-real-ip', 'via', 'user-agent', 'accept', 'origin', 'referer', 'range', 'if-none-match', 'dpop',
]);
// Formats whose decoder reads a separate chain header (Apache's numbered ones, RFC 9440 Client-Cert-Chain, ...).
const SEPARATE_CHAIN_FORMATS: readonly ForwardedFormat[] = ['nginx', 'apache', 'apache-escaped', 'base64-der', 'rfc9440'];
const MAX_HEADER_LENGTH_LIMIT = 1024 * 1024;

/**
 * Validates `clientCertificate` options once, at construction.
 * @throws {TypeError} for an unknown key (with a "did you mean" hint), a bad value or a contradiction
 */
export function compileOptions(input: ClientCertificateOptions | undefined): CompiledOptions {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('clientCertificate: options must be an object');
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.includes(key)) {
      const hint = closest(key, KNOWN_KEYS);
      throw new TypeError(`clientCertificate: unknown option "${key}"${hint ? `. Did you mean "${hint}"?` : ''}`);
    }
  }
  const options = input as Record<string, unknown>;
  const source = oneOf(options, 'source', ['header', 'tls'] as const);
  if (source === 'tls') {
    const misplaced = HEADER_ONLY_KEYS.find((key) => options[key] !== undefined);
    if (misplaced) throw new TypeError(`clientCertificate: option "${misplaced}" only applies to source 'header'; source 'tls' reads this process's own TLS socket`);
  }
  const preset = presetOf(options);
  const format = options.format === undefined && preset ? preset.format : oneOf(options, 'format', FORWARDED_FORMATS);
  const header = headerName(options, 'header') ?? preset?.header ?? CLIENT_CERTIFICATE_DEFAULTS.header;
  const chainHeader = headerName(options, 'chainHeader') ?? preset?.chainHeader;
  const { verifyHeaders, readVerification } = verificationOf(preset, headerName(options, 'verifyHeader'));
  const verifyHeader = verifyHeaders[0];
  if (chainHeader !== undefined && !SEPARATE_CHAIN_FORMATS.includes(format)) {
    throw new TypeError(`clientCertificate: chainHeader needs a format with a separate chain header (${SEPARATE_CHAIN_FORMATS.join(', ')}); format '${format}' ${format === 'auto' ? 'must be named explicitly' : 'carries its chain inside the certificate value'}`);
  }
  const names = [header, chainHeader, ...verifyHeaders].filter((name) => name !== undefined);
  if (new Set(names).size !== names.length) throw new TypeError('clientCertificate: header, chainHeader and verifyHeader must be different headers');
  const requireVerified = flag(options, 'requireVerified');
  if (requireVerified && source === 'header' && verifyHeader === undefined && preset && 'unverifiable' in preset.verification) {
    throw new TypeError(`clientCertificate: requireVerified cannot be checked with preset '${String(options.preset)}': ${preset.verification.unverifiable}`);
  }
  if (requireVerified && source === 'header' && verifyHeader === undefined) {
    throw new TypeError('clientCertificate: requireVerified needs verifyHeader (the header in which the proxy reports SUCCESS / NONE / FAILED)');
  }
  const allowUnixSocket = flag(options, 'allowUnixSocket');
  const revocation = options.revocation as CertificateRevocationCheck | undefined;
  if (revocation !== undefined && (typeof revocation !== 'object' || revocation === null || typeof revocation.validator?.validate !== 'function' || typeof revocation.checker?.check !== 'function')) {
    throw new TypeError("clientCertificate: revocation must be { validator: new ChainValidator(...), checker: new RevocationChecker(...) } (from 'mtls-pop/chain')");
  }
  const logger = options.logger ?? defaultLogger();
  if (typeof logger !== 'object' || logger === null || typeof (logger as Logger).warn !== 'function' || typeof (logger as Logger).error !== 'function') {
    throw new TypeError('clientCertificate: logger must have pino-style warn(object, message) and error(object, message) methods');
  }
  return {
    source,
    preset: options.preset as PresetName | undefined,
    peerTrust: compileTrustedProxies(options.trustedProxies as ClientCertificateOptions['trustedProxies'], allowUnixSocket),
    header,
    chainHeader,
    chainIsNumbered: chainHeader !== undefined && (format === 'apache' || format === 'apache-escaped'),
    format,
    verifyHeader,
    verifyHeaders,
    readVerification,
    requireVerified,
    untrusted: oneOf(options, 'untrusted', ['reject', 'ignore'] as const),
    required: flag(options, 'required'),
    maxHeaderLength: integer(options, 'maxHeaderLength', 1, MAX_HEADER_LENGTH_LIMIT),
    cacheSize: integer(options, 'cacheSize', 0, 10_000_000),
    revocation,
    logger: logger as Logger,
    emit: eventSink(options.onEvent, 'clientCertificate'),
  };
}

type DefaultKey = keyof typeof CLIENT_CERTIFICATE_DEFAULTS;

function presetOf(options: Record<string, unknown>): ClientCertificatePreset | undefined {
  const name = options.preset;
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !Object.hasOwn(PRESETS, name)) {
    const hint = typeof name === 'string' ? closest(name, PRESET_NAMES) : undefined;
    throw new TypeError(`clientCertificate: unknown preset ${JSON.stringify(name)}${hint ? `. Did you mean '${hint}'?` : `; known presets: ${PRESET_NAMES.join(', ')}`}`);
  }
  return PRESETS[name as PresetName];
}

/** A `verifyHeader` given beside a preset renames the preset's (first) verification header and keeps its values' meaning. */
function verificationOf(preset: ClientCertificatePreset | undefined, verifyHeader: string | undefined): { verifyHeaders: readonly string[]; readVerification: VerificationReader } {
  const verification = preset?.verification;
  if (verification?.headers === undefined) return { verifyHeaders: verifyHeader === undefined ? [] : [verifyHeader], readVerification: opensslStyle };
  const [first, ...rest] = verification.headers;
  return { verifyHeaders: [verifyHeader ?? first, ...rest], readVerification: verification.read };
}

function oneOf<T extends string>(options: Record<string, unknown>, key: DefaultKey, allowed: readonly T[]): T {
  const value = options[key] ?? CLIENT_CERTIFICATE_DEFAULTS[key];
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
    throw new TypeError(`clientCertificate: ${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}${hint ? `. Did you mean '${hint}'?` : ''}`);
  }
  return value as T;
}

function flag(options: Record<string, unknown>, key: DefaultKey): boolean {
  const value = options[key] ?? CLIENT_CERTIFICATE_DEFAULTS[key];
  if (typeof value !== 'boolean') throw new TypeError(`clientCertificate: ${key} must be a boolean`);
  return value;
}

function integer(options: Record<string, unknown>, key: DefaultKey, min: number, max: number): number {
  const value = options[key] ?? CLIENT_CERTIFICATE_DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`clientCertificate: ${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function headerName(options: Record<string, unknown>, key: DefaultKey): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !TOKEN.test(value)) throw new TypeError(`clientCertificate: ${key} must be an HTTP header name`);
  if (RESERVED_HEADERS.has(value.toLowerCase())) {
    throw new TypeError(`clientCertificate: ${key} "${value}" is a standard or hop-by-hop header that clients, proxies or Node itself set; name a header of its own, such as x-ssl-client-cert`);
  }
  return value.toLowerCase();
}

