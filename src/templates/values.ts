import { DEFAULT_HEADER_NAMES, FORWARDING_HEADERS, OTHER_PROXY_HEADERS } from './headers.js';
import { greaterThanPattern } from './number-pattern.js';
import { closest } from '../lib/closest.js';
import { isIPv6 } from 'node:net';

/**
 * The few values a template needs. Each maps to one `{{PLACEHOLDER}}` in the files under nginx/,
 * apache/ and iis/, and to one `mtls-pop render` flag. Every value is checked against a strict
 * pattern before it is written into a configuration file, so that no value can inject a directive.
 */
export interface TemplateValues {
  /** `{{SERVER_NAME}}`, `--server-name`: the plain host name, e.g. `as.example.com` (the API's name for site `api`). Required for nginx and apache. */
  serverName?: string;
  /** `{{MTLS_SERVER_NAME}}`, `--mtls-server-name`: the RFC 8705 section 5 alias host. Default `mtls.<serverName>`. */
  mtlsServerName?: string;
  /** `{{LISTEN}}`, `--listen`: a port, or `address:port` (`127.0.0.1:8443`, `[::1]:8443`). Default `443`. */
  listen?: number | string;
  /**
   * `{{MTLS_LISTEN}}`, `--mtls-listen`: where the mTLS alias listens, for servers that give it a
   * listener of its own (haproxy, site `authorization-server`: required there, and must differ from
   * `listen`). A port or `address:port`. Put the same port in the alias URLs (`issuer.mtlsUrl`).
   */
  mtlsListen?: number | string;
  /**
   * `{{UPSTREAM}}`, `--upstream` (repeatable, or comma-separated): the app's `host:port`, plain
   * HTTP, or a list of them, one per instance (nginx `upstream` group, Apache balancer; IIS takes
   * one). A template line holding `{{UPSTREAM}}` is repeated per entry. Default `127.0.0.1:3000`.
   */
  upstream?: string | readonly string[];
  /** `{{CERTIFICATE}}`, `--certificate`: absolute path of the server certificate (PEM, with its chain). Required for nginx and apache. */
  certificate?: string;
  /** `{{CERTIFICATE_KEY}}`, `--certificate-key`: absolute path of its private key. Required for nginx and apache. */
  certificateKey?: string;
  /** `{{CLIENT_CA}}`, `--client-ca`: absolute path of the client CA bundle (PEM). Required for nginx and apache. */
  clientCa?: string;
  /** `{{CERTIFICATE_HEADER}}`: the header that carries the certificate. Default `X-SSL-Client-Cert`. */
  certificateHeader?: string;
  /** `{{VERIFY_HEADER}}`: the header that carries the server's verify result. Default `X-SSL-Client-Verify`. */
  verifyHeader?: string;
  /** `{{CHAIN_HEADER_PREFIX}}` (apache): prefix of the numbered chain headers. Default `X-SSL-Client-Cert-Chain-`. */
  chainHeaderPrefix?: string;
  /**
   * `{{CRL}}`, `--crl`: absolute path of a PEM file of certificate revocation lists for the client
   * CAs, one for every CA of the chain (nginx `ssl_crl`; apache `SSLCARevocationFile` with
   * `SSLCARevocationCheck chain`; haproxy `crl-file`). Default none: no revocation check by the server.
   */
  crl?: string;
  /** `{{NAMESPACE}}`, `--namespace` (ingress-nginx): the Kubernetes namespace of the Ingresses. Default `default`. */
  namespace?: string;
  /** `{{TLS_SECRET}}`, `--tls-secret` (ingress-nginx): the `kubernetes.io/tls` Secret of the server certificate, in `namespace`. Required there. */
  tlsSecret?: string;
  /** `{{CLIENT_CA_SECRET}}`, `--client-ca-secret` (ingress-nginx): `namespace/name` of the Secret whose `ca.crt` is the client CA bundle. Required there. */
  clientCaSecret?: string;
}

/**
 * TemplateValues after validation and defaults, keyed by placeholder name. A list (UPSTREAM) fills
 * a copy of its line per entry.
 */
export type Placeholders = Readonly<Record<string, string | readonly string[]>>;

/** At most this many upstream entries: a bound, not a tuning knob. */
export const MAX_UPSTREAMS = 64;

const KEYS: readonly (keyof TemplateValues)[] = ['serverName', 'mtlsServerName', 'listen', 'mtlsListen', 'upstream', 'certificate',
  'certificateKey', 'clientCa', 'certificateHeader', 'verifyHeader', 'chainHeaderPrefix', 'crl', 'namespace', 'tlsSecret', 'clientCaSecret'];

const PLACEHOLDER: Readonly<Record<keyof TemplateValues, string>> = {
  serverName: 'SERVER_NAME', mtlsServerName: 'MTLS_SERVER_NAME', listen: 'LISTEN', mtlsListen: 'MTLS_LISTEN', upstream: 'UPSTREAM',
  certificate: 'CERTIFICATE', certificateKey: 'CERTIFICATE_KEY', clientCa: 'CLIENT_CA',
  certificateHeader: 'CERTIFICATE_HEADER', verifyHeader: 'VERIFY_HEADER', chainHeaderPrefix: 'CHAIN_HEADER_PREFIX', crl: 'CRL',
  namespace: 'NAMESPACE', tlsSecret: 'TLS_SECRET', clientCaSecret: 'CLIENT_CA_SECRET',
};

/** What a server's templates need from TemplateValues, decided by render.ts per server and site. */
export interface ValueNeeds {
  /** Server certificate, key and client CA files are required (not for iis: the Windows store holds them). */
  files: boolean;
  /** The private key may live in the certificate file (haproxy `crt`): certificateKey is optional. */
  keyInCertificate?: boolean;
  /** `mtlsListen` is required (the alias has a listener of its own); list it in `unused` otherwise. */
  mtlsListen: boolean;
  /** Kubernetes objects instead of files (ingress-nginx): tlsSecret and clientCaSecret are required. */
  kubernetes?: boolean;
  /** Values this server cannot use: giving one is refused, naming the server. */
  unused: readonly (keyof TemplateValues)[];
  /** The server's name, for error messages. */
  server: string;
}

// Characters that end a directive, open a block, quote, comment, expand a variable or a section
// in nginx, Apache or XML configuration. A value containing one is refused outright.
const INJECTION = /[\r\n\t\0 ;"'`{}#$\\<>&%|*]/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_BRACKETED = /^\[[0-9A-Fa-f:.]+\]$/;
const PATH = /^\/[A-Za-z0-9._/@+=,:-]*$/;
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

function fail(key: keyof TemplateValues, message: string): never {
  throw new TypeError(`${key} ({{${PLACEHOLDER[key]}}}): ${message}`);
}

function text(key: keyof TemplateValues, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(key, 'must be a non-empty string');
  const bad = INJECTION.exec(value);
  if (bad) fail(key, `contains ${JSON.stringify(bad[0])}, which could inject configuration`);
  if (value.length > 1024) fail(key, 'is longer than 1024 characters');
  return value;
}

function hostName(key: keyof TemplateValues, value: unknown): string {
  const name = text(key, value);
  if (name.length > 253 || !HOST_NAME.test(name)) fail(key, `"${name}" is not a DNS host name`);
  return name.toLowerCase();
}

function port(key: keyof TemplateValues, value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) fail(key, `"${value}" is not a port (1-65535)`);
  return String(Number(value));
}

/** `host:port` split at the last colon; the host is a name, an IPv4 address or a bracketed IPv6 one. */
function hostAndPort(key: keyof TemplateValues, value: string): { host: string; port: string } {
  const at = value.lastIndexOf(':');
  if (at <= 0) fail(key, `"${value}" is not host:port`);
  const host = value.slice(0, at);
  if (!(IPV4.test(host) || (IPV6_BRACKETED.test(host) && isIPv6(host.slice(1, -1))) || (host.length <= 253 && HOST_NAME.test(host)))) {
    fail(key, `"${host}" is not a host name, an IPv4 address or a [bracketed] IPv6 address`);
  }
  return { host, port: port(key, value.slice(at + 1)) };
}

/** One `host:port` or a non-empty list of them, each validated, without duplicates. */
function upstreamList(value: TemplateValues['upstream']): readonly string[] {
  const entries: readonly unknown[] = value === undefined ? ['127.0.0.1:3000'] : Array.isArray(value) ? value : [value];
  if (entries.length === 0) fail('upstream', 'must name at least one host:port');
  if (entries.length > MAX_UPSTREAMS) fail('upstream', `lists ${entries.length} entries; at most ${MAX_UPSTREAMS}`);
  const seen = new Set<string>();
  for (const entry of entries) {
    const { host, port: number } = hostAndPort('upstream', text('upstream', entry));
    const normalised = `${host.toLowerCase()}:${number}`;
    if (seen.has(normalised)) fail('upstream', `lists "${normalised}" twice`);
    seen.add(normalised);
  }
  return Object.freeze([...seen]);
}

function path(key: keyof TemplateValues, value: unknown): string {
  const file = text(key, value);
  if (!PATH.test(file)) fail(key, `"${file}" must be an absolute path of letters, digits and . _ / @ + = , : - (use forward slashes)`);
  return file;
}

function listenAddress(key: 'listen' | 'mtlsListen', value: unknown): { host: string; port: string } {
  const listenText = typeof value === 'number' ? String(value) : text(key, value);
  return /^\d+$/.test(listenText) ? { host: '', port: port(key, listenText) } : hostAndPort(key, listenText);
}

function headerName(key: keyof TemplateValues, value: unknown): string {
  const name = text(key, value);
  // nginx drops client header names with underscores, and so cannot forward one either.
  if (!HEADER_NAME.test(name)) fail(key, `"${name}" must be letters, digits and hyphens (no underscore), starting with a letter`);
  return name;
}

/**
 * One regular expression (lower case: HAProxy keeps header names in lower case) matching every
 * `-`/`_` spelling of every forwarding header name, the custom ones, and every numbered chain
 * header: a proxy that can delete headers by pattern removes all the client's copies at once.
 */
function forwardingHeaderRegex(names: readonly string[], chainPrefixes: readonly string[]): string {
  const spell = (name: string): string => name.toLowerCase().replaceAll('-', '[-_]');
  const chained = new Set(chainPrefixes.map((prefix) => prefix.toLowerCase()));
  const exact = [...new Set(names.map((name) => name.toLowerCase()))]
    .filter((name) => ![...chained].some((prefix) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))));
  return `^(?:${[...exact.map(spell), ...[...chained].map((prefix) => `${spell(prefix)}[0-9]+`)].join('|')})$`;
}

/** Every `-`/`_` spelling of a header name: 2^(hyphens) of them. */
function spellings(name: string): string[] {
  return name.split('-').reduce<string[]>((spelled, part, index) => (index === 0 ? [part] : spelled.flatMap((head) => [`${head}-${part}`, `${head}_${part}`])), []);
}

/** Case-insensitive substrings and suffixes that cover every forwarding header name, in every spelling (Caddy wildcards). */
const WILDCARD_COVER: readonly string[] = ['*cert*', '*verify*', '*subject-dn', '*subject_dn', '*issuer-dn', '*issuer_dn'];

/**
 * Caddy `request_header -<field>` deletions that remove every client copy of every forwarding
 * header whatever its spelling: Caddy matches `*x*` (substring) and `*x` (suffix) wildcards
 * case-insensitively, but compares plain names exactly after Go's canonicalisation, which keeps
 * `_` spellings apart. A custom name the wildcards do not cover is deleted in each spelling.
 */
function wildcardDeletions(names: readonly string[]): string[] {
  const covered = (name: string): boolean => WILDCARD_COVER.some((pattern) => {
    const lower = name.toLowerCase();
    const inner = pattern.replaceAll('*', '');
    return pattern.endsWith('*') ? lower.includes(inner) : lower.endsWith(inner);
  });
  const uncovered = [...new Set(names.map((name) => name.toLowerCase()))].filter((name) => !covered(name));
  return [...WILDCARD_COVER, ...uncovered.flatMap(spellings)];
}

/** Custom header names whose every spelling Caddy deletes one by one: at most this many hyphens. */
const MAX_SPELLED_HYPHENS = 5;

// Kubernetes object names: a DNS-1123 label (namespace) or subdomain (Secret).
const KUBERNETES_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const KUBERNETES_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function kubernetesName(key: keyof TemplateValues, value: unknown, pattern: RegExp, what: string): string {
  const name = text(key, value);
  if (name.length > 253 || !pattern.test(name)) fail(key, `"${name}" is not a Kubernetes ${what} (lower-case letters, digits, "-"${pattern === KUBERNETES_SUBDOMAIN ? ', "."' : ''})`);
  return name;
}

/** The Kubernetes placeholders: namespace and Secret names, checked, or empty for other servers. */
function kubernetesValues(values: TemplateValues, needs: ValueNeeds): Record<string, string> {
  if (!needs.kubernetes) return { NAMESPACE: '', TLS_SECRET: '', CLIENT_CA_SECRET: '' };
  const namespace = values.namespace === undefined ? 'default' : kubernetesName('namespace', values.namespace, KUBERNETES_LABEL, 'namespace');
  if (values.tlsSecret === undefined) fail('tlsSecret', `is required for ${needs.server}: the kubernetes.io/tls Secret of the server certificate`);
  if (values.clientCaSecret === undefined) fail('clientCaSecret', `is required for ${needs.server}: namespace/name of the Secret whose ca.crt is the client CA bundle`);
  const [caNamespace, caName, ...extra] = text('clientCaSecret', values.clientCaSecret).split('/');
  if (caName === undefined || extra.length > 0) fail('clientCaSecret', 'must be namespace/name');
  return {
    NAMESPACE: namespace,
    TLS_SECRET: kubernetesName('tlsSecret', values.tlsSecret, KUBERNETES_SUBDOMAIN, 'Secret name'),
    CLIENT_CA_SECRET: `${kubernetesName('clientCaSecret', caNamespace, KUBERNETES_LABEL, 'namespace')}/${kubernetesName('clientCaSecret', caName, KUBERNETES_SUBDOMAIN, 'Secret name')}`,
  };
}

function didYouMean(name: string): string {
  const best = closest(name, KEYS);
  return best !== undefined ? ` Did you mean ${best}?` : '';
}

/**
 * Validates `values`, applies the defaults and returns the placeholder table. `needs` says what
 * the server's template requires (files: not for iis, whose certificates live in the Windows store;
 * `mtlsListen`: haproxy's alias listener) and which values it cannot use.
 * @throws {TypeError} naming the value and its placeholder, for an unknown key, a missing value,
 *   a malformed one, or any character that could inject configuration
 */
export function resolveValues(values: TemplateValues, needs: ValueNeeds): Placeholders {
  if (typeof values !== 'object' || values === null) throw new TypeError('template values must be an object');
  for (const key of Object.keys(values)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new TypeError(`unknown template value "${key}".${didYouMean(key)}`);
  }
  const needsFiles = needs.files;
  for (const key of needs.unused) {
    if (values[key] !== undefined) fail(key, `is not used by the ${needs.server} template`);
  }
  // IIS takes host names from its site bindings, not from web.config.
  const serverName = values.serverName === undefined && !needsFiles && !needs.kubernetes ? 'localhost' : hostName('serverName', values.serverName);
  const mtlsServerName = values.mtlsServerName === undefined ? `mtls.${serverName}` : hostName('mtlsServerName', values.mtlsServerName);
  if (mtlsServerName === serverName) fail('mtlsServerName', 'must differ from serverName');

  const listen = listenAddress('listen', values.listen ?? '443');
  let mtlsListen = listen;
  if (needs.mtlsListen) {
    if (values.mtlsListen === undefined) fail('mtlsListen', `is required for ${needs.server}: the mTLS alias gets a listener of its own (another port or address than listen)`);
    mtlsListen = listenAddress('mtlsListen', values.mtlsListen);
    if (mtlsListen.port === listen.port && (mtlsListen.host === listen.host || !mtlsListen.host || !listen.host)) fail('mtlsListen', 'must be another port or address than listen');
  }
  const upstreams = upstreamList(values.upstream);
  const crl = values.crl === undefined ? [] : [path('crl', values.crl)];

  const file = (key: 'certificate' | 'certificateKey' | 'clientCa'): string => {
    if (values[key] === undefined) return needsFiles && !(key === 'certificateKey' && needs.keyInCertificate) ? fail(key, 'is required') : '';
    return path(key, values[key]);
  };
  const certificateHeader = headerName('certificateHeader', values.certificateHeader ?? DEFAULT_HEADER_NAMES.certificateHeader);
  const verifyHeader = headerName('verifyHeader', values.verifyHeader ?? DEFAULT_HEADER_NAMES.verifyHeader);
  const chainHeaderPrefix = headerName('chainHeaderPrefix', values.chainHeaderPrefix ?? DEFAULT_HEADER_NAMES.chainHeaderPrefix);
  if (certificateHeader.toLowerCase() === verifyHeader.toLowerCase()) fail('verifyHeader', 'must differ from certificateHeader');
  for (const [key, name] of [['certificateHeader', certificateHeader], ['verifyHeader', verifyHeader]] as const) {
    if (needs.server.startsWith('caddy') && !/cert|verify/i.test(name) && name.split('-').length - 1 > MAX_SPELLED_HYPHENS) {
      fail(key, `"${name}" has more than ${MAX_SPELLED_HYPHENS} hyphens and no "cert" or "verify": the caddy template could not delete its every spelling`);
    }
    if (name.toLowerCase().startsWith(chainHeaderPrefix.toLowerCase())) fail(key, `must not start with chainHeaderPrefix "${chainHeaderPrefix}"`);
  }

  // Every forwarding name in lower case, once: the lists the YAML templates write out.
  const everyForwardingName = [...new Set([...FORWARDING_HEADERS, ...OTHER_PROXY_HEADERS, certificateHeader, verifyHeader].map((name) => name.toLowerCase()))];
  return Object.freeze({
    ...kubernetesValues(values, needs),
    // host and port of each upstream entry apart (Envoy socket_address), in the order of UPSTREAM.
    UPSTREAM_HOST: Object.freeze(upstreams.map((entry) => entry.slice(0, entry.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1'))),
    UPSTREAM_PORT: Object.freeze(upstreams.map((entry) => entry.slice(entry.lastIndexOf(':') + 1))),
    // Every forwarding header name, lower case (YAML lists: Traefik, Envoy).
    FORWARDING_HEADER: Object.freeze(everyForwardingName),
    // The same but x-forwarded-client-cert, which Envoy itself sanitises and sets.
    FORWARDING_HEADER_BUT_XFCC: Object.freeze(everyForwardingName.filter((name) => name !== 'x-forwarded-client-cert')),
    LISTEN_HOST: listen.host ? listen.host.replace(/^\[(.*)\]$/, '$1') : '0.0.0.0',
    SERVER_NAME: serverName,
    MTLS_SERVER_NAME: mtlsServerName,
    LISTEN: listen.host ? `${listen.host}:${listen.port}` : listen.port,
    LISTEN_PORT: listen.port,
    MTLS_LISTEN: mtlsListen.host ? `${mtlsListen.host}:${mtlsListen.port}` : mtlsListen.port,
    // `address:port`, or `:port` for every address (haproxy `bind`).
    MTLS_LISTEN_PORT: mtlsListen.port,
    LISTEN_ADDRESS: `${listen.host}:${listen.port}`,
    MTLS_LISTEN_ADDRESS: `${mtlsListen.host}:${mtlsListen.port}`,
    UPSTREAM: upstreams,
    // One name per upstream entry, in the same order (haproxy `server <name> <address>`).
    UPSTREAM_NAME: Object.freeze(upstreams.map((_entry, index) => `app${index + 1}`)),
    // A line holding {{CRL}} is written once with the file, or left out without one.
    CRL: Object.freeze(crl),
    // haproxy takes the CRL as an option of its `bind` line.
    CRL_FILE_OPTION: crl.length ? ` crl-file ${crl[0]}` : '',
    HEADER_DELETE_WILDCARD: Object.freeze(needs.server.startsWith('caddy') ? wildcardDeletions([...FORWARDING_HEADERS, ...OTHER_PROXY_HEADERS, certificateHeader, verifyHeader]) : []),
    // Caddy `header_regexp Content-Length`: the body caps as patterns (64 KiB; the api site 1 MiB).
    CONTENT_LENGTH_OVER_SMALL_CAP: greaterThanPattern(65536),
    CONTENT_LENGTH_OVER_API_CAP: greaterThanPattern(1048576),
    // Caddy `bind`: the listen address, if one was given (else every address).
    BIND_HOST: Object.freeze(listen.host ? [listen.host.replace(/^\[(.*)\]$/, '$1')] : []),
    FORWARDING_HEADER_REGEX: forwardingHeaderRegex([...FORWARDING_HEADERS, ...OTHER_PROXY_HEADERS, certificateHeader, verifyHeader],
      [DEFAULT_HEADER_NAMES.chainHeaderPrefix, chainHeaderPrefix]),
    CERTIFICATE: file('certificate'),
    CERTIFICATE_KEY: file('certificateKey'),
    CLIENT_CA: file('clientCa'),
    CERTIFICATE_HEADER: certificateHeader,
    VERIFY_HEADER: verifyHeader,
    CHAIN_HEADER_PREFIX: chainHeaderPrefix,
    // apache: `SSLCARevocationCheck chain` only with a CRL file (its default is `none`).
    CRL_CHECK: Object.freeze(crl.length ? ['chain'] : []),
    // Case-insensitive regular expressions (Apache mod_setenvif) for every `-`/`_` spelling.
    CERTIFICATE_HEADER_PATTERN: certificateHeader.replaceAll('-', '[-_]'),
    VERIFY_HEADER_PATTERN: verifyHeader.replaceAll('-', '[-_]'),
    CHAIN_HEADER_PATTERN: chainHeaderPrefix.replaceAll('-', '[-_]'),
  });
}
