/**
 * What the real-server template tests share: the Express app behind the server (our
 * clientCertificate middleware, echoing what it sees), a raw TLS client that can send any header
 * spelling, the forged headers, and the client matrix.
 */
import 'reflect-metadata';
import express from 'express';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCertificate } from '../../src/proxy/middleware.js';
import type { ForwardedFormat } from '../../src/forwarded/index.js';
import type { PresetName } from '../../src/proxy/presets/index.js';
import { FORWARDING_HEADERS, CHAIN_HEADER_COUNT } from '../../src/templates/index.js';
import { pkiPath, readPki, opensslThumbprint, opensslSubject } from '../helpers/fixtures.js';

export const SERVER_NAME = 'as.localhost';
export const MTLS_SERVER_NAME = 'mtls.as.localhost';

/** What the app saw, as JSON. */
export interface Echo {
  status: number;
  thumbprint?: string;
  subject?: string;
  verification?: { status: string; reason?: string };
  chain?: string[];
  error?: string;
  rawHeaders: string[];
}

/**
 * The app behind the web server, configured exactly as the README tells users to: with the
 * format and header names, or with the proxy's preset word alone.
 */
export async function startApp(format: ForwardedFormat | { preset: PresetName }, chainHeader?: string): Promise<{ port: number; close: () => Promise<void> }> {
  const app = express();
  app.use(clientCertificate(typeof format === 'object' ? { trustedProxies: 'loopback', preset: format.preset } : {
    trustedProxies: 'loopback', format, header: 'x-ssl-client-cert', verifyHeader: 'x-ssl-client-verify',
    ...(chainHeader ? { chainHeader } : {}),
  }));
  app.use((req, res) => {
    const certificate = req.clientCertificate;
    res.json({
      thumbprint: certificate?.thumbprint,
      subject: certificate?.subject,
      verification: req.clientCertificateVerification,
      chain: certificate?.chain.map((link) => link.thumbprint),
      rawHeaders: req.rawHeaders,
    });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface ClientRequest {
  port: number;
  /** TLS SNI name. */
  servername: string;
  /** Host header. */
  host: string;
  /** Fixture names: certificate file (leaf or `-chain.pem`) and key. */
  cert?: string;
  key?: string;
  /** Extra header lines, sent exactly as spelled (duplicates and underscores included). */
  headers?: readonly (readonly [string, string])[];
}

export type ClientResult = { kind: 'response'; status: number; body: string } | { kind: 'tls-error'; message: string };

/** One HTTP/1.1 request over a real TLS connection, written by hand so every header spelling goes out as is. */
export function request(options: ClientRequest): Promise<ClientResult> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1', port: options.port, servername: options.servername,
      ca: readPki('ca-bundle.pem'),
      ...(options.cert ? { cert: readPki(options.cert), key: readPki(options.key!) } : {}),
    });
    let data = '';
    let settled = false;
    const finish = (result: ClientResult): void => { if (!settled) { settled = true; socket.destroy(); resolve(result); } };
    socket.setTimeout(10000, () => finish({ kind: 'tls-error', message: 'timeout' }));
    socket.on('secureConnect', () => {
      const lines = [`GET /echo HTTP/1.1`, `Host: ${options.host}`, 'Connection: close',
        ...(options.headers ?? []).map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => { data += chunk.toString('utf8'); });
    socket.on('error', (error) => finish(data ? parse(data) : { kind: 'tls-error', message: error.message }));
    socket.on('end', () => finish(data ? parse(data) : { kind: 'tls-error', message: 'closed without a response' }));
  });
}

function parse(raw: string): ClientResult {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
  const split = raw.indexOf('\r\n\r\n');
  let body = split < 0 ? '' : raw.slice(split + 4);
  if (/\r\ntransfer-encoding: *chunked/i.test(raw.slice(0, split))) body = dechunk(body);
  return { kind: 'response', status, body };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}

/** The response as the app's echo; fails with the body when the app did not answer JSON. */
export function echo(result: ClientResult): Echo {
  if (result.kind !== 'response') throw new Error(`expected a response, got a TLS error: ${result.message}`);
  try {
    return { status: result.status, ...(JSON.parse(result.body) as Omit<Echo, 'status'>) };
  } catch {
    throw new Error(`status ${result.status}, not the app's JSON: ${result.body.slice(0, 300)}`);
  }
}

/** A certificate no case of the matrix presents: if the app ever sees it, a forged header got through. */
export const FORGED_FIXTURE = 'client-ed25519.pem';
export const FORGED_THUMBPRINT = opensslThumbprint(pkiPath(FORGED_FIXTURE));
const forgedPem = readPki(FORGED_FIXTURE);
const forgedBase64 = forgedPem.replace(/-----[A-Z ]+-----|\s/g, '');
/**
 * A marker found in every forged value, whatever its encoding, and in no other certificate: 24
 * letters and digits (unchanged by percent-encoding) within one PEM line (unbroken by newlines
 * or Apache's spaces), from the second half of the DER (key and signature), not the issuer name
 * that certificates of one CA share.
 */
export const FORGED_MARKER = ((): string => {
  const lines = forgedPem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{64}$/.test(line));
  for (const line of lines.slice(Math.floor(lines.length / 2))) {
    const window = /[A-Za-z0-9]{24}/.exec(line);
    if (window) return window[0];
  }
  throw new Error(`no marker in ${FORGED_FIXTURE}`);
})();

/** The forged value of a header, in an encoding the app could decode. */
function forgedValue(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith('verify')) return `SUCCESS ${FORGED_MARKER}`;
  if (lower === 'client-cert' || lower === 'client-cert-chain') return `:${forgedBase64}:`;
  if (lower === 'x-ssl-client-cert' || lower.startsWith('x-ssl-client-cert-chain')) return encodeURIComponent(forgedPem);
  if (lower === 'x-forwarded-client-cert') return `Hash=00;Cert="${encodeURIComponent(forgedPem)}"`;
  return forgedBase64;
}

/** How a client may spell a forwarding header name to slip it past the proxy. */
export const SPELLINGS: Readonly<Record<string, (name: string) => string>> = {
  'as documented, twice': (name) => name,
  'in lower case': (name) => name.toLowerCase(),
  'in upper case': (name) => name.toUpperCase(),
  'with underscores': (name) => name.replace(/-/g, '_'),
  'with one underscore': (name) => name.replace('-', '_'),
};

/** Every forwarding header in one spelling, each with a forged value the app could decode. */
export function forgedHeaders(spelling: string): (readonly [string, string])[] {
  const spell = SPELLINGS[spelling]!;
  const twice = spelling.endsWith('twice');
  return FORWARDING_HEADERS.flatMap((name) => {
    const line = [spell(name), forgedValue(name)] as const;
    return twice ? [line, line] : [line];
  });
}

const forwardingNames = new Set(FORWARDING_HEADERS.map((name) => name.toLowerCase()));

/**
 * The forged values that reached the app: [name, value] pairs whose value carries the marker.
 * `asConfiguredName` are those whose name is one the app may be configured to read.
 */
export function forgeriesSeen(rawHeaders: readonly string[]): { any: string[]; asConfiguredName: string[] } {
  const any: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index + 1]!.includes(FORGED_MARKER)) any.push(rawHeaders[index]!);
  }
  return { any, asConfiguredName: any.filter((name) => forwardingNames.has(name.toLowerCase())) };
}

/** The values of every copy of `name` (case-insensitive) that reached the app, in order. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) if (rawHeaders[index]!.toLowerCase() === name.toLowerCase()) values.push(rawHeaders[index + 1]!);
  return values;
}

/** How many copies of `name` (case-insensitive) reached the app. */
export function copies(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) if (rawHeaders[index]!.toLowerCase() === name.toLowerCase()) count += 1;
  return count;
}

/** The forwarding headers (configured names only) that reached the app. */
export function forwardingHeadersSeen(rawHeaders: readonly string[]): string[] {
  const seen: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (forwardingNames.has(rawHeaders[index]!.toLowerCase())) seen.push(rawHeaders[index]!);
  }
  return seen;
}

/** The client matrix: fixture files, and the reference values computed by openssl. */
export interface ClientCase {
  name: string;
  cert?: string;
  key?: string;
  /** The leaf whose thumbprint and subject the app must see. */
  leaf?: string;
}

export const CLIENT_CASES: readonly ClientCase[] = [
  { name: 'a valid EC certificate', cert: 'client-ec.pem', key: 'client-ec.key', leaf: 'client-ec.pem' },
  { name: 'a valid RSA certificate', cert: 'client-rsa.pem', key: 'client-rsa.key', leaf: 'client-rsa.pem' },
  { name: 'no certificate' },
  { name: 'an expired certificate', cert: 'client-expired.pem', key: 'client-expired.key', leaf: 'client-expired.pem' },
  { name: 'a certificate from an unrelated CA', cert: 'client-unrelated.pem', key: 'client-unrelated.key', leaf: 'client-unrelated.pem' },
  { name: 'a self-signed certificate', cert: 'client-self-signed.pem', key: 'client-self-signed.key', leaf: 'client-self-signed.pem' },
  { name: 'a chain with an intermediate', cert: 'client-ec-chain.pem', key: 'client-ec.key', leaf: 'client-ec.pem' },
];

export const reference = (fixture: string): { thumbprint: string; subject: string } =>
  ({ thumbprint: opensslThumbprint(pkiPath(fixture)), subject: opensslSubject(pkiPath(fixture)) });

export const INTERMEDIATE_THUMBPRINT = opensslThumbprint(pkiPath('intermediate-ca.pem'));

/** Template values for a test run: the fixtures, loopback addresses, ports chosen at run time. */
export function templateValues(listenPort: number, upstreamPort: number) {
  return {
    serverName: SERVER_NAME, mtlsServerName: MTLS_SERVER_NAME,
    listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${upstreamPort}`,
    certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'),
  };
}

/**
 * Server files a template needs beyond the fixtures, and the template values naming them.
 * HAProxy's `crt` wants the key in the certificate file (or beside it as `<file>.key`): a
 * temporary copy of server.pem with server.key appended, removed by `remove()`.
 */
export function serverFiles(kind: string): { values: { certificate?: string; certificateKey?: string }; remove(): void } {
  if (kind !== 'haproxy') return { values: {}, remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-crt-'));
  const file = join(dir, 'server.pem');
  writeFileSync(file, `${readPki('server.pem')}${readPki('server.key')}`, { mode: 0o600 });
  return { values: { certificate: file, certificateKey: undefined }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { CHAIN_HEADER_COUNT, readFileSync };
