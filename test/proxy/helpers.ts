import type { AddressInfo } from 'node:net';
import { createConnection } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from '../../src/log.js';
import type { ClientCertificate } from '../../src/certificate/model.js';
import { clientCertificate, type ClientCertificateOptions, type ClientCertificateVerification } from '../../src/proxy/middleware.js';
import { readPki } from '../helpers/fixtures.js';

/** One log call the middleware made. */
export interface LoggedLine { level: string; fields: Record<string, unknown>; message: string }

/** A logger that keeps every line, for assertions. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (fields: object, message?: string) => { lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? '' }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** What the route behind the middleware saw. */
export interface Seen {
  certificate: ClientCertificate | undefined;
  verification: ClientCertificateVerification | undefined;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
}

export interface TestApp {
  port: number;
  seen: Seen[];
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/**
 * Express app on a fresh port: clientCertificate(options) in front of a route that records what it
 * saw. `settings` are Express app settings (`{ 'trust proxy': true }`), applied before the middleware.
 */
export async function startApp(options: ClientCertificateOptions, host = '127.0.0.1', settings: Readonly<Record<string, unknown>> = {}): Promise<TestApp> {
  const logger = recordingLogger();
  const seen: Seen[] = [];
  const app = express();
  for (const [name, value] of Object.entries(settings)) app.set(name, value);
  app.use(clientCertificate({ logger, ...options }));
  app.all('/', (req, res) => {
    seen.push({ certificate: req.clientCertificate, verification: req.clientCertificateVerification, headers: { ...req.headers }, rawHeaders: [...req.rawHeaders] });
    res.json({ thumbprint: req.clientCertificate?.thumbprint ?? null, verification: req.clientCertificateVerification ?? null, ip: req.ip ?? null });
  });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, host, () => resolve(s)); });
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    logger,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface RawResponse { status: number; headers: string; body: string }

/**
 * Sends `head` (request line and header lines, without the final blank line) over a plain socket,
 * so that a test can repeat a header or spell it twice, which HTTP clients refuse to do.
 */
export function rawRequest(port: number, lines: string[], connect: { host?: string; localAddress?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: connect.host ?? '127.0.0.1', localAddress: connect.localAddress }, () => {
      socket.write(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: rest.join('\r\n\r\n') });
    });
  });
}

/** The fixture's PEM as nginx `$ssl_client_escaped_cert` sends it: percent-encoded, upper-case escapes. */
export const nginxValue = (name: string): string => encodeURIComponent(readPki(name));

/** The fixture's PEM as Apache `%{SSL_CLIENT_CERT}s` sends it: newlines turned into spaces. */
export const apacheValue = (name: string): string => readPki(name).trim().replace(/\n/g, ' ');
