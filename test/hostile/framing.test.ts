/**
 * Request-smuggling tricks on the token endpoint, as raw bytes over a real TLS connection to nginx
 * and Apache httpd, and over plain TCP straight to the app from the trusted proxy address (what a
 * proxy that passed the bytes on would do). Each carries a second request (`GET /smuggled`)
 * hidden in the body: it must never reach the app, and no token may be issued.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rowsByServer, serverAvailable, withServerLogs } from '../helpers/servers.js';
import { CLIENT_ID, MTLS_HOST, startHostileApp, startHostileStack, type HostileApp, type HostileStack } from './stack.js';
import { exchange } from './wire.js';

const FORM = `grant_type=client_credentials&client_id=${CLIENT_ID}`;
const SMUGGLED = `GET /smuggled HTTP/1.1\r\nHost: ${MTLS_HOST}\r\n\r\n`;
const head = (lines: readonly string[]): string =>
  [`POST /token HTTP/1.1`, `Host: ${MTLS_HOST}`, 'Content-Type: application/x-www-form-urlencoded', ...lines, 'Connection: keep-alive', '', ''].join('\r\n');
const chunk = (text: string): string => `${text.length.toString(16)}\r\n${text}\r\n`;

/**
 * Each trick, and the status nginx, Apache and Node (the app port) really answer (measured). 0: no
 * answer within the wait (the server waits for the promised bytes; its own timeout ends it). 401:
 * the server de-chunked the body, ignored Content-Length and closed the connection after the
 * response (RFC 9112 section 6.3), so the app saw one token request without a certificate.
 */
const TRICKS: readonly { name: string; bytes: string; nginx: number; apache: number; app: number }[] = [
  { name: 'Transfer-Encoding: chunked and Content-Length together (CL.TE)',
    bytes: head(['Content-Length: 4', 'Transfer-Encoding: chunked']) + chunk(FORM) + '0\r\n\r\n' + SMUGGLED, nginx: 400, apache: 401, app: 400 },
  { name: 'Content-Length and Transfer-Encoding: chunked together (TE.CL)',
    bytes: head(['Transfer-Encoding: chunked', `Content-Length: ${chunk(FORM).length + 5 + SMUGGLED.length}`]) + chunk(FORM) + '0\r\n\r\n' + SMUGGLED, nginx: 400, apache: 401, app: 400 },
  { name: 'two Content-Length headers with different values',
    bytes: head([`Content-Length: ${FORM.length}`, `Content-Length: ${FORM.length + SMUGGLED.length}`]) + FORM + SMUGGLED, nginx: 400, apache: 400, app: 400 },
  { name: 'Content-Length with a list of two values',
    bytes: head([`Content-Length: ${FORM.length}, ${FORM.length + SMUGGLED.length}`]) + FORM + SMUGGLED, nginx: 400, apache: 400, app: 400 },
  { name: 'chunked with a chunk size that is not hexadecimal',
    bytes: head(['Transfer-Encoding: chunked']) + `zz\r\n${FORM}\r\n0\r\n\r\n` + SMUGGLED, nginx: 400, apache: 400, app: 400 },
  { name: 'chunked with a chunk size larger than the data sent',
    bytes: head(['Transfer-Encoding: chunked']) + `fffffff\r\n${FORM}\r\n0\r\n\r\n` + SMUGGLED, nginx: 413, apache: 0, app: 0 },
  { name: 'chunked with a negative chunk size',
    bytes: head(['Transfer-Encoding: chunked']) + `-1\r\n${FORM}\r\n0\r\n\r\n` + SMUGGLED, nginx: 400, apache: 400, app: 400 },
  { name: 'Transfer-Encoding: chunked, identity',
    bytes: head(['Transfer-Encoding: chunked, identity']) + chunk(FORM) + '0\r\n\r\n' + SMUGGLED, nginx: 501, apache: 400, app: 400 },
  { name: 'Transfer-Encoding: identity',
    bytes: head(['Transfer-Encoding: identity', `Content-Length: ${FORM.length}`]) + FORM + SMUGGLED, nginx: 501, apache: 400, app: 400 },
  { name: 'Transfer-Encoding spelled " chunked" with a leading space and a tab',
    bytes: head(['Transfer-Encoding:\t chunked', `Content-Length: ${FORM.length}`]) + chunk(FORM) + '0\r\n\r\n' + SMUGGLED, nginx: 501, apache: 401, app: 400 },
  { name: 'Transfer-Encoding: xchunked',
    bytes: head(['Transfer-Encoding: xchunked', `Content-Length: ${FORM.length}`]) + FORM + SMUGGLED, nginx: 501, apache: 400, app: 400 },
];

type Target = 'nginx' | 'apache' | 'app';

describe('request-smuggling tricks on POST /token', () => {
  const stacks: Partial<Record<'nginx' | 'apache', HostileStack>> = {};
  let direct: HostileApp;

  beforeAll(async () => {
    for (const kind of ['nginx', 'apache'] as const) if (serverAvailable(kind)) stacks[kind] = await startHostileStack(kind);
    direct = await startHostileApp('nginx');
  });
  afterAll(async () => {
    await Promise.all([stacks.nginx?.stop(), stacks.apache?.stop(), direct?.close()]);
  });

  const targets: Target[] = ['app', 'nginx', 'apache'];
  const cases = rowsByServer(TRICKS.flatMap((trick) => targets.map((target) => [trick.name, target, trick] as const)), ([, target]) => (target === 'app' ? undefined : target), 1);
  const title = '%s, sent to %s: refused, no token, the smuggled request never reaches the app';
  if (cases.skip.length > 0) it.skip.each(cases.skip)(title, () => undefined);

  it.each(cases.run)(title, async (_name, target, trick) => {
    const app = target === 'app' ? direct : stacks[target]!.app;
    app.reset();
    const result = target === 'app'
      ? await exchange({ port: direct.port }, trick.bytes, 2000)
      : await exchange({ port: stacks[target]!.port, servername: MTLS_HOST }, trick.bytes, 2000);
    await withServerLogs(target === 'app' ? [] : [stacks[target]!.server], () => {
      const status = result.kind === 'response' ? result.status : 0;
      expect({ target, status }).toEqual({ target, status: trick[target] });
      if (result.kind === 'response') expect(result.responses).toBe(1);
      expect(app.counters.tokensIssued).toBe(0);
      expect(app.counters.otherPaths).toEqual([]);
    });
  });
});
