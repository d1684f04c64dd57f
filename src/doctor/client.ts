import { lookup } from 'node:dns/promises';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { HeaderLine } from './forged.js';

/** One host doctor may talk to: a URL the user gave, resolved once. Doctor connects to nothing else. */
export interface Target {
  readonly url: URL;
  /** The host name (SNI and Host default), without brackets. */
  readonly hostname: string;
  readonly port: number;
  /** The address the name resolved to: every connection to this target goes there. */
  readonly address: string;
  readonly tls: boolean;
}

/**
 * Resolves a URL the user gave into a Target; `addresses` (host name -> address, like curl's
 * `--resolve`) answers before DNS.
 */
export async function resolveTarget(text: string, what: string, addresses: Readonly<Record<string, string>> = {}): Promise<Target> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${what}: '${text.slice(0, 80)}' is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${what}: only https:// and http:// URLs`);
  if (url.username || url.password) throw new TypeError(`${what}: no credentials in the URL`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const pinned = addresses[hostname.toLowerCase()];
  let address: string;
  if (pinned !== undefined) address = pinned;
  else if (isIP(hostname)) address = hostname;
  else {
    try {
      address = (await lookup(hostname)).address;
    } catch (error) {
      throw new TypeError(`${what}: cannot resolve ${hostname} (${(error as NodeJS.ErrnoException).code ?? 'error'}); give its address with --resolve ${hostname}=ADDRESS`);
    }
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { url, hostname, port, address, tls: url.protocol === 'https:' };
}

export interface ClientCredentials {
  readonly cert: string;
  readonly key: string;
}

export interface SendOptions {
  readonly target: Target;
  /** TLS SNI; default the target's host name. Always one of the hosts given. */
  readonly servername?: string;
  /** The Host header; default the target's host (and port). */
  readonly host?: string;
  readonly credentials?: ClientCredentials;
  /** CA bundle that verifies the server's certificate; default Node's roots. */
  readonly ca?: string;
  readonly headers?: readonly HeaderLine[];
  /** A TLS session to resume (from `Answer.session`). */
  readonly session?: Buffer;
  /** Pin the TLS version (session resumption needs TLS 1.3). */
  readonly tlsVersion?: 'TLSv1.3';
  readonly localAddress?: string;
  readonly timeoutMs: number;
}

export type Answer =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly resumed: boolean; readonly session?: Buffer }
  | { readonly kind: 'tls-error'; readonly message: string }
  | { readonly kind: 'network-error'; readonly message: string };

const MAX_RESPONSE = 256 * 1024;

/** Node's codes for a server certificate the client does not accept (name or chain). */
const SERVER_CERTIFICATE_ERRORS = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE',
]);

/**
 * One HTTP/1.1 request written by hand over a fresh connection, so every header goes out
 * exactly as spelled (case, underscores, repeats). `Connection: close`; the answer is read to
 * the end, at most 256 KiB, within `timeoutMs`.
 */
export function send(options: SendOptions): Promise<Answer> {
  const { target } = options;
  const path = `${target.url.pathname}${target.url.search}` || '/';
  const host = options.host ?? target.url.host;
  return new Promise((resolve) => {
    let socket: Socket | TLSSocket;
    let session: Buffer | undefined;
    let settled = false;
    let handshakeDone = !target.tls;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (answer: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'network-error', message: `no complete answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    const write = (): void => {
      handshakeDone = true;
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', 'User-Agent: mtls-pop-doctor',
        ...(options.headers ?? []).map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    };
    if (target.tls) {
      const tls = connectTls({
        host: target.address, port: target.port, servername: isIP(options.servername ?? target.hostname) ? undefined : (options.servername ?? target.hostname),
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.credentials ? { cert: options.credentials.cert, key: options.credentials.key } : {}),
        ...(options.session ? { session: options.session } : {}),
        ...(options.tlsVersion ? { minVersion: options.tlsVersion, maxVersion: options.tlsVersion } : {}),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      tls.on('session', (ticket: Buffer) => { session = ticket; });
      tls.once('secureConnect', write);
      socket = tls;
    } else {
      socket = connectTcp({ host: target.address, port: target.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, write);
    }
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE) {
        finish({ kind: 'network-error', message: `answer larger than ${MAX_RESPONSE} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    const done = (error?: Error): void => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const resumed = target.tls && (socket as TLSSocket).isSessionReused?.() === true;
      if (raw) {
        finish(parse(raw, resumed, session));
        return;
      }
      const message = error?.message ?? 'closed without an answer';
      const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
      if (SERVER_CERTIFICATE_ERRORS.has(code)) {
        // Our own check of the server's certificate failed: the server refused nothing.
        finish({ kind: 'network-error', message: `doctor could not verify the server's certificate (${code}: ${message.slice(0, 100)}); pass its CA with --ca` });
        return;
      }
      // TLS 1.3: the server checks the client certificate after the client's Finished, so its alert can follow our request.
      const tlsAlert = /alert|ssl|certificate/i.test(message) || String((error as NodeJS.ErrnoException | undefined)?.code ?? '').startsWith('ERR_SSL');
      finish(handshakeDone && !tlsAlert ? { kind: 'network-error', message } : { kind: 'tls-error', message });
    };
    socket.on('error', (error) => done(error));
    socket.on('end', () => done());
    socket.on('close', () => done());
  });
}

function parse(raw: string, resumed: boolean, session: Buffer | undefined): Answer {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = split < 0 ? '' : raw.slice(split + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { kind: 'response', status, headers, body, resumed, ...(session ? { session } : {}) };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (let guard = 0; guard < 10_000; guard++) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
  return out;
}
