/**
 * The matrix run against one real web server: the shipped template rendered standalone, the server
 * started on a free loopback port in front of the app (two instances for the authorization server), every client case combined with every
 * spelling of forged headers. The two test files pass what their server really does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startApache, startNginx, withServerLogs, type RunningServer, type ServerKind } from '../helpers/servers.js';
import {
  CLIENT_CASES, FORGED_THUMBPRINT, MTLS_SERVER_NAME, SERVER_NAME, SPELLINGS, copies, echo, forgedHeaders, forgeriesSeen,
  forwardingHeadersSeen, reference, request, startApp, templateValues, type ClientCase, type ClientResult,
} from './harness.js';

/** What the app (or the client) sees for one client case. */
export type Outcome =
  | { kind: 'app'; verify: string; reason?: string; chain: readonly string[] }
  | { kind: 'server-refusal'; status: number; body: RegExp }
  | { kind: 'tls-error'; message: RegExp };

export interface ServerBehaviour {
  kind: ServerKind;
  format: 'nginx' | 'apache';
  chainHeader?: string;
  /** Outcome per CLIENT_CASES name. */
  outcomes: Readonly<Record<string, Outcome>>;
  /** Spellings the server refuses outright (status), instead of overwriting. */
  refusedSpellings: Readonly<Record<string, number>>;
  /** What a request with SNI `mtls.` and the plain Host gets: 0 = the plain host serves it. */
  sniAliasHostPlain: number;
  /** What a request with the plain SNI and the `mtls.` Host gets. */
  sniPlainHostAlias: number;
}

export function describeRealServer(behaviour: ServerBehaviour): void {
  const available = serverAvailable(behaviour.kind);
  const describeIf = available ? describe : describe.skip;

  describeIf(`${behaviour.kind}: the shipped authorization-server template, rendered standalone`, () => {
    // Two instances of the app behind one upstream group: the guarantees hold whichever answers.
    const apps: Awaited<ReturnType<typeof startApp>>[] = [];
    let server: RunningServer | undefined;
    let port = 0;

    beforeAll(async () => {
      for (let index = 0; index < 2; index++) apps.push(await startApp(behaviour.format, behaviour.chainHeader));
      port = await freePort();
      const config = renderTemplate(behaviour.kind, { ...templateValues(port, 0), upstream: apps.map((app) => `127.0.0.1:${app.port}`) }, { standalone: true });
      server = await (behaviour.kind === 'nginx' ? startNginx : startApache)({ config, port });
    });

    afterAll(async () => {
      await server?.stop();
      for (const app of apps) await app.close();
    });

    const send = (clientCase: ClientCase, spelling: string, servername = MTLS_SERVER_NAME, host = MTLS_SERVER_NAME): Promise<ClientResult> =>
      request({ port, servername, host, ...(clientCase.cert ? { cert: clientCase.cert, key: clientCase.key! } : {}), headers: forgedHeaders(spelling) });

    const cases = CLIENT_CASES.flatMap((clientCase) => Object.keys(SPELLINGS).map((spelling) => [clientCase.name, spelling, clientCase] as const));

    describe(`on the mTLS alias ${MTLS_SERVER_NAME}, with forged forwarding headers`, () => {
      it.each(cases)('%s, forged headers spelled %s: the app sees only what the server saw', async (_name, spelling, clientCase) => {
        const result = await send(clientCase, spelling);
        await withServerLogs([server], () => {
          const outcome = behaviour.outcomes[clientCase.name]!;
          if (outcome.kind === 'tls-error') {
            expect(result.kind).toBe('tls-error');
            if (result.kind === 'tls-error') expect(result.message).toMatch(outcome.message);
            return;
          }
          const refused = behaviour.refusedSpellings[spelling];
          if (outcome.kind === 'server-refusal' || refused !== undefined) {
            expect(result).toMatchObject({ kind: 'response', status: outcome.kind === 'server-refusal' ? outcome.status : refused });
            if (result.kind === 'response') expect(result.body).not.toContain('rawHeaders');
            return;
          }
          const seen = echo(result);
          expect(seen.status).toBe(200);
          expect(seen.verification).toEqual({ status: outcome.verify, ...(outcome.reason ? { reason: outcome.reason } : {}) });
          if (clientCase.leaf) {
            expect({ thumbprint: seen.thumbprint, subject: seen.subject }).toEqual(reference(clientCase.leaf));
            expect(seen.chain).toEqual(outcome.chain);
          } else {
            expect(seen.thumbprint).toBeUndefined();
          }
          expect(seen.thumbprint).not.toBe(FORGED_THUMBPRINT);
          expect(forgeriesSeen(seen.rawHeaders).asConfiguredName).toEqual([]);
          expect(copies(seen.rawHeaders, 'X-SSL-Client-Cert')).toBeLessThanOrEqual(1);
          expect(copies(seen.rawHeaders, 'X-SSL-Client-Verify')).toBe(1);
          if (behaviour.kind === 'nginx') expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
        });
      });
    });

    const valid = CLIENT_CASES[0]!;
    describe(`on the plain host ${SERVER_NAME}`, () => {
      it.each(Object.keys(SPELLINGS))('clears every forwarding header a client sends, spelled %s', async (spelling) => {
        const result = await send(valid, spelling, SERVER_NAME, SERVER_NAME);
        await withServerLogs([server], () => {
          const refused = behaviour.refusedSpellings[spelling];
          if (refused !== undefined) {
            expect(result).toMatchObject({ kind: 'response', status: refused });
            return;
          }
          const seen = echo(result);
          expect(seen.status).toBe(200);
          expect(seen.thumbprint).toBeUndefined();
          expect(forwardingHeadersSeen(seen.rawHeaders)).toEqual([]);
          expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
        });
      });
    });

    describe('when the TLS name (SNI) and the Host header disagree', () => {
      it(`SNI ${MTLS_SERVER_NAME} with Host ${SERVER_NAME}: no forged or forwarded header reaches the app`, async () => {
        const result = await send(valid, 'as documented, twice', MTLS_SERVER_NAME, SERVER_NAME);
        await withServerLogs([server], () => {
          if (behaviour.sniAliasHostPlain !== 0) {
            expect(result).toMatchObject({ kind: 'response', status: behaviour.sniAliasHostPlain });
            return;
          }
          const seen = echo(result);
          expect(seen.thumbprint).toBeUndefined();
          expect(forwardingHeadersSeen(seen.rawHeaders)).toEqual([]);
          expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
        });
      });

      it(`SNI ${SERVER_NAME} with Host ${MTLS_SERVER_NAME}: refused`, async () => {
        const result = await send(valid, 'as documented, twice', SERVER_NAME, MTLS_SERVER_NAME);
        await withServerLogs([server], () => {
          expect(result).toMatchObject({ kind: 'response', status: behaviour.sniPlainHostAlias });
        });
      });
    });
  });

  describeIf(`${behaviour.kind}: the shipped api template, rendered standalone`, () => {
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    let server: RunningServer | undefined;
    let port = 0;

    beforeAll(async () => {
      app = await startApp(behaviour.format, behaviour.chainHeader);
      port = await freePort();
      const config = renderTemplate(behaviour.kind, { ...templateValues(port, app.port), serverName: 'api.localhost' }, { site: 'api', standalone: true });
      server = await (behaviour.kind === 'nginx' ? startNginx : startApache)({ config, port });
    });

    afterAll(async () => {
      await server?.stop();
      await app?.close();
    });

    it.each(CLIENT_CASES.filter((clientCase) => behaviour.outcomes[clientCase.name]!.kind === 'app').map((clientCase) => [clientCase.name, clientCase] as const))('%s, with forged headers: the app sees what the server saw', async (_name, clientCase) => {
      const result = await request({ port, servername: 'api.localhost', host: 'api.localhost', ...(clientCase.cert ? { cert: clientCase.cert, key: clientCase.key! } : {}), headers: forgedHeaders('in lower case') });
      await withServerLogs([server], () => {
        const outcome = behaviour.outcomes[clientCase.name]!;
        const seen = echo(result);
        expect(seen.status).toBe(200);
        if (outcome.kind === 'app') expect(seen.verification?.status).toBe(outcome.verify);
        expect(seen.thumbprint).toBe(clientCase.leaf ? reference(clientCase.leaf).thumbprint : undefined);
        expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
      });
    });
  });
}
