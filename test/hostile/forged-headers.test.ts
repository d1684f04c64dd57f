/**
 * Forged forwarding headers, end to end through the real nginx, Apache httpd, HAProxy and Caddy: a client sends
 * client-ec's certificate in X-SSL-Client-Cert (every spelling, repeated, with a forged
 * X-SSL-Client-Verify: SUCCESS) while presenting no certificate or another client's. No token may
 * be issued to client-ec, the API may never run for client-ec's bound token, and the app may never
 * see client-ec's thumbprint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { needing, serverAvailable, withServerLogs } from '../helpers/servers.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { API_PATH, CLIENT_ID, MTLS_HOST, PLAIN_HOST, startHostileStack, type HostileKind, type HostileStack } from './stack.js';
import { exchange, oauthError, requestBytes, tokenRequest, type Exchange } from './wire.js';

const VICTIM = opensslThumbprint(pkiPath('client-ec.pem'));
const victimPem = readPki('client-ec.pem');
/** A certificate as each server's own forwarding format encodes it. */
const encodeAs = (kind: HostileKind, pem: string): string =>
  kind === 'nginx' ? encodeURIComponent(pem) : kind === 'apache' ? pem.trim().replace(/\n/g, ' ') : pem.replace(/-----[A-Z ]+-----|\s/g, '');
// Caddy sends no verify header; a forger would still try nginx's SUCCESS.

const SPELLINGS: Readonly<Record<string, (name: string) => string>> = {
  'as the proxy spells it': (name) => name,
  'in lower case': (name) => name.toLowerCase(),
  'in upper case': (name) => name.toUpperCase(),
  'in mixed case': (name) => [...name].map((c, i) => (i % 2 ? c.toLowerCase() : c.toUpperCase())).join(''),
  'with underscores': (name) => name.replace(/-/g, '_'),
  'with one underscore': (name) => name.replace('-', '_'),
  'repeated, two spellings': (name) => name,
};

function forgedHeaders(kind: HostileKind, spelling: string): [string, string][] {
  const spell = SPELLINGS[spelling]!;
  const forged = encodeAs(kind, victimPem);
  // What the server's verify header says for a good certificate: HAProxy's ssl_c_verify is 0.
  const success = kind === 'haproxy' ? '0' : 'SUCCESS';
  const lines: [string, string][] = [[spell('X-SSL-Client-Cert'), forged], [spell('X-SSL-Client-Verify'), success]];
  if (spelling.startsWith('repeated')) lines.push(['x-ssl-client-cert', forged], ['X_SSL_CLIENT_VERIFY', success]);
  return lines;
}
const underscored = (spelling: string): boolean => spelling.includes('underscore') || spelling.startsWith('repeated');

const PRESENTED = {
  'no certificate': {},
  "another client's certificate (client-rsa)": { cert: 'client-rsa.pem', key: 'client-rsa.key' },
} as const;

/**
 * The documented refusal. nginx drops underscore names and overwrites the rest, HAProxy and Caddy
 * delete every spelling by pattern: the token endpoint answers 401 invalid_client. Apache refuses any forwarding header spelled with an
 * underscore with 403 before proxying (apache/mtls-forwarding.conf step 0).
 */
function expected(kind: HostileKind, spelling: string, endpoint: 'token' | 'api'): { status: number; error?: string; reachesApp: boolean } {
  if (kind === 'apache' && underscored(spelling)) return { status: 403, reachesApp: false };
  return endpoint === 'token' ? { status: 401, error: 'invalid_client', reachesApp: true } : { status: 401, error: 'invalid_token', reachesApp: true };
}

for (const kind of ['nginx', 'apache', 'haproxy', 'caddy'] as const) {
  const describeIf = serverAvailable(kind) ? describe : describe.skip;

  describeIf(needing(kind, `${kind} (real server, shipped template): forged forwarding headers`), () => {
    let stack: HostileStack;
    let victimToken = '';

    beforeAll(async () => {
      stack = await startHostileStack(kind);
      // The legitimate client obtains a token bound to its certificate: the forger's prize.
      const issued = await exchange({ port: stack.mtlsPort, servername: MTLS_HOST, cert: 'client-ec-chain.pem', key: 'client-ec.key' },
        tokenRequest(MTLS_HOST, `grant_type=client_credentials&client_id=${CLIENT_ID}`));
      if (issued.kind !== 'response' || issued.status !== 200) throw new Error(`no token for the legitimate client: ${JSON.stringify(issued).slice(0, 500)}\n${stack.server.logs()}`);
      victimToken = (JSON.parse(issued.body) as { access_token: string }).access_token;
    });
    afterAll(async () => { await stack?.stop(); });

    const send = async (bytes: Buffer, host: string, presented: { cert?: string; key?: string }): Promise<Exchange> => {
      stack.app.reset();
      return exchange({ port: stack.portFor(host), servername: host, ...presented }, bytes);
    };

    const matrix = Object.keys(SPELLINGS).flatMap((spelling) => Object.keys(PRESENTED).flatMap((presented) =>
      [MTLS_HOST, PLAIN_HOST].map((host) => [spelling, presented, host] as const)));

    describe(`POST /token as ${CLIENT_ID}, with its certificate forged in the headers`, () => {
      it.each(matrix)('spelled %s, presenting %s, on %s: no token, and the app never sees the forged certificate', async (spelling, presented, host) => {
        const result = await send(tokenRequest(host, `grant_type=client_credentials&client_id=${CLIENT_ID}`, forgedHeaders(kind, spelling)), host, PRESENTED[presented as keyof typeof PRESENTED]);
        await withServerLogs([stack.server], () => {
          const want = expected(kind, spelling, 'token');
          expect(result).toMatchObject({ kind: 'response', status: want.status });
          if (want.error) expect(oauthError(result)).toBe(want.error);
          expect(stack.app.counters.tokensIssued).toBe(0);
          expect(stack.app.counters.tokenRequests).toBe(want.reachesApp ? 1 : 0);
          expect(stack.app.counters.thumbprints).not.toContain(VICTIM);
        });
      });
    });

    describe(`GET ${API_PATH} with ${CLIENT_ID}'s bound token and its certificate forged in the headers`, () => {
      it.each(matrix)('spelled %s, presenting %s, on %s: 401 and the API handler never runs', async (spelling, presented, host) => {
        const bytes = requestBytes('GET', API_PATH, host, [['Authorization', `Bearer ${victimToken}`], ...forgedHeaders(kind, spelling)]);
        const result = await send(bytes, host, PRESENTED[presented as keyof typeof PRESENTED]);
        await withServerLogs([stack.server], () => {
          const want = expected(kind, spelling, 'api');
          expect(result).toMatchObject({ kind: 'response', status: want.status });
          if (want.error) expect(result.kind === 'response' && result.headers).toMatch(/www-authenticate: Bearer[^\r]*error="invalid_token"/i);
          expect(stack.app.counters.apiHandler).toBe(0);
          expect(stack.app.counters.passedCertificateMiddleware).toBe(want.reachesApp ? 1 : 0);
          expect(stack.app.counters.thumbprints).not.toContain(VICTIM);
        });
      });
    });

    describe('the same requests from the legitimate client (the matrix can fail)', () => {
      it('presenting client-ec, forged headers naming another certificate: token issued for client-ec\'s own thumbprint', async () => {
        const other = encodeAs(kind, readPki('client-rsa.pem'));
        const result = await send(tokenRequest(MTLS_HOST, `grant_type=client_credentials&client_id=${CLIENT_ID}`, [['x-ssl-client-cert', other], ['X-SSL-Client-Verify', 'SUCCESS']]),
          MTLS_HOST, { cert: 'client-ec-chain.pem', key: 'client-ec.key' });
        await withServerLogs([stack.server], () => {
          expect(result).toMatchObject({ kind: 'response', status: 200 });
          expect(stack.app.counters.tokensIssued).toBe(1);
          expect(stack.app.counters.thumbprints).toEqual([VICTIM]);
        });
      });

      it(`presenting client-ec with its bound token: ${API_PATH} answers 200 and runs once`, async () => {
        const result = await send(requestBytes('GET', API_PATH, MTLS_HOST, [['Authorization', `Bearer ${victimToken}`]]), MTLS_HOST, { cert: 'client-ec-chain.pem', key: 'client-ec.key' });
        await withServerLogs([stack.server], () => {
          expect(result).toMatchObject({ kind: 'response', status: 200 });
          expect(stack.app.counters.apiHandler).toBe(1);
        });
      });
    });
  });
}
