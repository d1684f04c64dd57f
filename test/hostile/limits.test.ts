/**
 * Oversized and malformed input through the real nginx and Apache httpd, and straight to the app
 * from the trusted proxy address: huge headers, chain headers past the template's four, huge form
 * bodies on the token endpoint, non-UTF-8 bytes in headers and bodies. Each gets a 4xx (from the
 * web server or as an OAuth error from the app), never a 5xx, and no token, no API call.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rowsByServer, serverAvailable, withServerLogs } from '../helpers/servers.js';
import { readPki } from '../helpers/fixtures.js';
import { API_PATH, CLIENT_ID, MTLS_HOST, startHostileApp, startHostileStack, type HostileApp, type HostileStack } from './stack.js';
import { exchange, oauthError, requestBytes, tokenRequest } from './wire.js';

/** `app`: straight to an app reading nginx's format; `appApache`: one reading Apache's, with chain headers. */
type Target = 'nginx' | 'apache' | 'app' | 'appApache';
const FORM = `grant_type=client_credentials&client_id=${CLIENT_ID}`;
const EC = { cert: 'client-ec-chain.pem', key: 'client-ec.key' };
const nginxValue = encodeURIComponent(readPki('client-ec.pem'));
const FF = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]);

interface Case {
  name: string;
  bytes: Buffer;
  /** Expected status per target, and the OAuth error when the app answered. */
  expect: Partial<Record<Target, { status: number; error?: string }>>;
  /** Targets where the request is legitimate once the web server dropped the bad part (client-ec presents its certificate). */
  issues?: readonly Target[];
}

const big = (bytes: number): string => 'A'.repeat(bytes);
const CASES: readonly Case[] = [
  { name: 'a certificate header value of 17 KiB', bytes: tokenRequest(MTLS_HOST, FORM, [['X-SSL-Client-Cert', big(17 * 1024)]]),
    expect: { nginx: { status: 400 }, apache: { status: 400 }, app: { status: 431 } } },
  { name: 'a certificate header value of 12 KiB (under the app cap, over the servers\' line limits)', bytes: tokenRequest(MTLS_HOST, FORM, [['X-SSL-Client-Cert', big(12 * 1024)]]),
    expect: { nginx: { status: 400 }, apache: { status: 400 }, app: { status: 400, error: 'invalid_request' } } },
  { name: 'an unrelated header of 17 KiB', bytes: tokenRequest(MTLS_HOST, FORM, [['X-Padding', big(17 * 1024)]]),
    expect: { nginx: { status: 400 }, apache: { status: 400 }, app: { status: 431 } } },
  { name: '200 headers of 100 bytes', bytes: tokenRequest(MTLS_HOST, FORM, Array.from({ length: 200 }, (_, i) => [`X-Filler-${i}`, big(100)] as const)),
    expect: { nginx: { status: 431 }, apache: { status: 400 }, app: { status: 431 } } },
  { name: 'chain headers numbered 0 to 4 (past the four the templates set)', bytes: tokenRequest(MTLS_HOST, FORM, [0, 1, 2, 3, 4].map((n) => [`X-SSL-Client-Cert-Chain-${n}`, '(null)'] as const)),
    expect: { apache: { status: 403 }, appApache: { status: 400, error: 'invalid_request' }, app: { status: 401, error: 'invalid_client' } } },
  // The templates cap bodies at 64 KiB, above the app's 8 KiB: under the cap the app answers its OAuth error.
  { name: 'a form body of 40 KB (over the 8 KiB token endpoint limit, under the templates\' 64 KiB)', bytes: tokenRequest(MTLS_HOST, `${FORM}&pad=${big(40_000)}`),
    expect: { nginx: { status: 413, error: 'invalid_request' }, apache: { status: 413, error: 'invalid_request' }, app: { status: 413, error: 'invalid_request' } } },
  { name: 'a form body of 100 KB (over the templates\' 64 KiB cap)', bytes: tokenRequest(MTLS_HOST, `${FORM}&pad=${big(100_000)}`),
    expect: { nginx: { status: 413 }, apache: { status: 413 }, app: { status: 413, error: 'invalid_request' } } },
  { name: 'a form body of 2 MB', bytes: tokenRequest(MTLS_HOST, `${FORM}&pad=${big(2_000_000)}`),
    expect: { nginx: { status: 413 }, apache: { status: 413 }, app: { status: 413, error: 'invalid_request' } } },
  { name: 'a form with 1000 parameters', bytes: tokenRequest(MTLS_HOST, `${FORM}${'&a=b'.repeat(1000)}`),
    expect: { nginx: { status: 413, error: 'invalid_request' }, apache: { status: 413, error: 'invalid_request' }, app: { status: 413, error: 'invalid_request' } } },
  { name: 'raw non-UTF-8 bytes in the form body (scope)', bytes: tokenRequest(MTLS_HOST, Buffer.concat([Buffer.from(`${FORM}&scope=`), FF]).toString('latin1')),
    expect: { nginx: { status: 400, error: 'invalid_scope' }, apache: { status: 400, error: 'invalid_scope' }, app: { status: 401, error: 'invalid_client' } } },
  { name: 'percent-encoded invalid UTF-8 in client_id', bytes: tokenRequest(MTLS_HOST, 'grant_type=client_credentials&client_id=%FF%FE%C3%28'),
    expect: { nginx: { status: 401, error: 'invalid_client' }, apache: { status: 401, error: 'invalid_client' }, app: { status: 401, error: 'invalid_client' } } },
  { name: 'a form body declared as charset=latin1', bytes: requestBytes('POST', '/token', MTLS_HOST, [['Content-Type', 'application/x-www-form-urlencoded; charset=latin1'], ['Content-Length', String(FORM.length)]], FORM),
    expect: { nginx: { status: 415, error: 'invalid_request' }, apache: { status: 415, error: 'invalid_request' }, app: { status: 415, error: 'invalid_request' } } },
  { name: 'non-UTF-8 bytes in the certificate header value', bytes: tokenRequest(MTLS_HOST, FORM, [['X-SSL-Client-Cert', Buffer.concat([Buffer.from(nginxValue.slice(0, 60)), FF])]]),
    expect: { app: { status: 400, error: 'invalid_request' } } },
  { name: 'non-UTF-8 bytes in the verify header value', bytes: tokenRequest(MTLS_HOST, FORM, [['X-SSL-Client-Cert', ''], ['X-SSL-Client-Verify', FF]]),
    expect: { app: { status: 401, error: 'invalid_client' } } },
  { name: 'non-UTF-8 bytes in a header name', bytes: tokenRequest(MTLS_HOST, FORM, [[`X-SSL-Client-Cert${FF.toString('latin1')}`, nginxValue]]),
    expect: { nginx: { status: 200 }, apache: { status: 400 }, app: { status: 400 } }, issues: ['nginx'] },
];

const API_CASES: readonly Case[] = [
  { name: 'non-UTF-8 bytes in the bearer token', bytes: requestBytes('GET', API_PATH, MTLS_HOST, [['Authorization', Buffer.concat([Buffer.from('Bearer eyJ'), FF])]]),
    expect: { nginx: { status: 400, error: 'invalid_request' }, apache: { status: 400, error: 'invalid_request' }, app: { status: 400, error: 'invalid_request' } } },
  { name: 'a bearer token of 12 KiB', bytes: requestBytes('GET', API_PATH, MTLS_HOST, [['Authorization', `Bearer ${big(12 * 1024)}`]]),
    expect: { nginx: { status: 400 }, apache: { status: 400 }, app: { status: 401, error: 'invalid_token' } } },
  { name: 'two Authorization headers', bytes: requestBytes('GET', API_PATH, MTLS_HOST, [['Authorization', 'Bearer a.b.c'], ['Authorization', 'Bearer d.e.f']]),
    expect: { nginx: { status: 400 }, apache: { status: 400, error: 'invalid_request' }, app: { status: 400, error: 'invalid_request' } } },
];

describe('oversized and malformed input', () => {
  const stacks: Partial<Record<'nginx' | 'apache', HostileStack>> = {};
  let direct: HostileApp;
  let directApache: HostileApp;

  beforeAll(async () => {
    for (const kind of ['nginx', 'apache'] as const) if (serverAvailable(kind)) stacks[kind] = await startHostileStack(kind);
    direct = await startHostileApp('nginx');
    directApache = await startHostileApp('apache');
  });
  afterAll(async () => {
    await Promise.all([stacks.nginx?.stop(), stacks.apache?.stop(), direct?.close(), directApache?.close()]);
  });

  const server = (target: Target) => (target === 'app' || target === 'appApache' ? undefined : target);
  // Rows for a server that is not installed are reported as skipped (jest counts them), never dropped.
  const rows = (cases: readonly Case[]) => rowsByServer(cases.flatMap((c) => (Object.keys(c.expect) as Target[]).map((target) => [c.name, target, c] as const)), ([, target]) => server(target), 1);
  const tokenRows = rows(CASES);
  const apiRows = rows(API_CASES);
  const tokenTitle = 'POST /token with %s, sent to %s: the documented refusal, no token';
  const apiTitle = `GET ${API_PATH} with %s, sent to %s: the documented refusal, the API never runs`;
  if (tokenRows.skip.length > 0) it.skip.each(tokenRows.skip)(tokenTitle, () => undefined);
  if (apiRows.skip.length > 0) it.skip.each(apiRows.skip)(apiTitle, () => undefined);

  const send = async (target: Target, bytes: Buffer) => {
    const app = target === 'app' ? direct : target === 'appApache' ? directApache : stacks[target]!.app;
    app.reset();
    // Straight to the app: from 127.0.0.1, the trusted proxy address, as a proxy passing the bytes on would.
    const result = target === 'app' || target === 'appApache' ? await exchange({ port: app.port }, bytes, 4000)
      : await exchange({ port: stacks[target]!.port, servername: MTLS_HOST, ...EC }, bytes, 4000);
    return { app, result };
  };

  it.each(tokenRows.run)(tokenTitle, async (_name, target, c) => {
    const { app, result } = await send(target, c.bytes);
    await withServerLogs(target === 'app' || target === 'appApache' ? [] : [stacks[target]!.server], () => {
      const want = c.expect[target]!;
      expect({ target, status: result.kind === 'response' ? result.status : result.message }).toEqual({ target, status: want.status });
      expect(oauthError(result)).toBe(want.error);
      expect(app.counters.tokensIssued).toBe(c.issues?.includes(target) ? 1 : 0);
      expect(app.counters.apiHandler).toBe(0);
      // One line per refusal, no certificate material, no stack trace.
      expect(app.counters.logs.join('\n')).not.toMatch(/MII[A-Za-z0-9+/]{16}|\n\s+at /);
      expect(app.counters.logs.length).toBeLessThanOrEqual(1);
    });
  });

  it.each(apiRows.run)(apiTitle, async (_name, target, c) => {
    const { app, result } = await send(target, c.bytes);
    await withServerLogs(target === 'app' || target === 'appApache' ? [] : [stacks[target]!.server], () => {
      const want = c.expect[target]!;
      expect({ target, status: result.kind === 'response' ? result.status : result.message }).toEqual({ target, status: want.status });
      expect(oauthError(result)).toBe(want.error);
      expect(app.counters.apiHandler).toBe(0);
    });
  });
});
