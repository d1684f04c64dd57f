/**
 * Raw HTTP/1.1 over real TLS (or plain TCP straight to the app): the bytes go out exactly as
 * written, so header spellings, duplicates, framing tricks and non-UTF-8 bytes reach the server
 * unchanged. Every exchange is bounded in time.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readPki } from '../helpers/fixtures.js';

export type Exchange =
  | { kind: 'response'; status: number; headers: string; body: string; raw: string; responses: number }
  | { kind: 'closed'; message: string };

export interface WireTarget {
  port: number;
  /** TLS name (SNI); absent: plain TCP (straight to the app). */
  servername?: string;
  /** Fixture names of a client certificate (leaf or -chain.pem) and its key. */
  cert?: string;
  key?: string;
  /** Local address to bind (to be an untrusted peer). */
  localAddress?: string;
}

/** Sends `bytes`, half-closes nothing, reads until the server closes or `timeoutMs` passes. */
export function exchange(target: WireTarget, bytes: Buffer | string, timeoutMs = 8000): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = target.servername === undefined
      ? tcpConnect({ host: '127.0.0.1', port: target.port, ...(target.localAddress ? { localAddress: target.localAddress } : {}) })
      : tlsConnect({
          host: '127.0.0.1', port: target.port, servername: target.servername, ca: readPki('ca-bundle.pem'),
          ...(target.cert ? { cert: readPki(target.cert), key: readPki(target.key!) } : {}),
        });
    const finish = (message: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve(raw ? parse(raw) : { kind: 'closed', message });
    };
    socket.setTimeout(timeoutMs, () => finish('timeout'));
    socket.once(target.servername === undefined ? 'connect' : 'secureConnect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => finish(error.message));
    socket.on('end', () => finish('closed without a response'));
    socket.on('close', () => finish('closed'));
  });
}

function parse(raw: string): Exchange {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
  const split = raw.indexOf('\r\n\r\n');
  const headers = split < 0 ? raw : raw.slice(0, split);
  let body = split < 0 ? '' : raw.slice(split + 4);
  if (/\r\ntransfer-encoding: *chunked/i.test(headers)) body = dechunk(body);
  else {
    const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
    if (length) body = body.slice(0, Number(length[1]));
  }
  return { kind: 'response', status, headers, body, raw, responses: raw.match(/(^|\r\n)HTTP\/1\.[01] \d{3}/g)?.length ?? 0 };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size || Number.isNaN(size)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}

/** One request's bytes: request line, Host, the given header lines as spelled, then the body. */
export function requestBytes(method: string, path: string, host: string, headers: readonly (readonly [string, string | Buffer])[], body: Buffer | string = '', close = true): Buffer {
  const head: Buffer[] = [Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`, 'latin1')];
  for (const [name, value] of headers) head.push(Buffer.from(`${name}: `, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value, Buffer.from('\r\n'));
  if (close) head.push(Buffer.from('Connection: close\r\n'));
  head.push(Buffer.from('\r\n'));
  return Buffer.concat([...head, typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

/** A form POST to /token with a correct Content-Length. */
export function tokenRequest(host: string, form: string, headers: readonly (readonly [string, string | Buffer])[] = []): Buffer {
  return requestBytes('POST', '/token', host, [['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(Buffer.byteLength(form, 'latin1'))], ...headers], form);
}

/** The OAuth `error` of a JSON body, or undefined. */
export function oauthError(result: Exchange): string | undefined {
  if (result.kind !== 'response') return undefined;
  try {
    return (JSON.parse(result.body) as { error?: string }).error;
  } catch {
    return undefined;
  }
}
