/**
 * The matrix run against one real web server: the shipped template rendered standalone, the server
 * started on a free loopback port in front of the app (two instances for the authorization server), every client case combined with every
 * spelling of forged headers. The two test files pass what their server really does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderTemplate, type TemplateServer } from '../../src/templates/index.js';
import type { PresetName } from '../../src/proxy/presets/index.js';
import { needing, freePort, serverAvailable, startServer, withServerLogs, type RunningServer } from '../helpers/servers.js';
import {
  CLIENT_CASES, FORGED_THUMBPRINT, MTLS_SERVER_NAME, SERVER_NAME, SPELLINGS, copies, echo, forgedHeaders, forgeriesSeen,
  forwardingHeadersSeen, headerValues, reference, request, serverFiles, startApp, templateValues, type ClientCase, type ClientResult,
} from './harness.js';

/**
 * What the app (or the client) sees for one client case: the middleware's verification status and
 * reason, and (`verifyHeader`) the verify header's value as the server sent it, `null` for none.
 */
export type Outcome =
  | { kind: 'app'; verify: string; reason?: string; verifyHeader?: string | null; chain: readonly string[] }
  | { kind: 'server-refusal'; status: number; body: RegExp }
  | { kind: 'tls-error'; message: RegExp };

export interface ServerBehaviour {
  kind: TemplateServer & ('nginx' | 'apache' | 'haproxy' | 'caddy');
  /** How the app reads the headers: a format (with the templates' default names), or a preset word. */
  format: 'nginx' | 'apache' | 'base64-der' | { preset: PresetName };
  chainHeader?: string;
  /** The mTLS alias has a listener of its own (`mtlsListen`). Default false: one port for both hosts. */
  separateMtlsListener?: boolean;
  /** No forged value reaches the app under any header name (every spelling removed). Default false. */
  removesEverySpelling?: boolean;
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

  describeIf(needing(behaviour.kind, `${behaviour.kind}: the shipped authorization-server template, rendered standalone`), () => {
    // Two instances of the app behind one upstream group: the guarantees hold whichever answers.
    const apps: Awaited<ReturnType<typeof startApp>>[] = [];
    let server: RunningServer | undefined;
    let files: ReturnType<typeof serverFiles> | undefined;
    let port = 0;
    let mtlsPort = 0;

    beforeAll(async () => {
      for (let index = 0; index < 2; index++) apps.push(await startApp(behaviour.format, behaviour.chainHeader));
      port = await freePort();
      mtlsPort = behaviour.separateMtlsListener ? await freePort() : port;
      files = serverFiles(behaviour.kind);
      const config = renderTemplate(behaviour.kind, {
        ...templateValues(port, 0), ...files.values, upstream: apps.map((app) => `127.0.0.1:${app.port}`),
        ...(behaviour.separateMtlsListener ? { mtlsListen: `127.0.0.1:${mtlsPort}` } : {}),
      }, { standalone: true });
      server = await startServer(behaviour.kind, { config, port });
    });

    afterAll(async () => {
      await server?.stop();
      for (const app of apps) await app.close();
      files?.remove();
    });

    // A connection goes to the listener of the host named in its SNI.
    const send = (clientCase: ClientCase, spelling: string, servername = MTLS_SERVER_NAME, host = MTLS_SERVER_NAME): Promise<ClientResult> =>
      request({ port: servername === MTLS_SERVER_NAME ? mtlsPort : port, servername, host, ...(clientCase.cert ? { cert: clientCase.cert, key: clientCase.key! } : {}), headers: forgedHeaders(spelling) });
    const checkVerify = (seen: ReturnType<typeof echo>, outcome: Outcome & { kind: 'app' }): void => {
      expect(seen.verification).toEqual({ status: outcome.verify, ...(outcome.reason ? { reason: outcome.reason } : {}) });
      if (outcome.verifyHeader === undefined) expect(copies(seen.rawHeaders, 'X-SSL-Client-Verify')).toBe(1);
      else expect(headerValues(seen.rawHeaders, 'X-SSL-Client-Verify')).toEqual(outcome.verifyHeader === null ? [] : [outcome.verifyHeader]);
    };

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
          checkVerify(seen, outcome);
          if (clientCase.leaf) {
            expect({ thumbprint: seen.thumbprint, subject: seen.subject }).toEqual(reference(clientCase.leaf));
            expect(seen.chain).toEqual(outcome.chain);
          } else {
            expect(seen.thumbprint).toBeUndefined();
          }
          expect(seen.thumbprint).not.toBe(FORGED_THUMBPRINT);
          expect(forgeriesSeen(seen.rawHeaders).asConfiguredName).toEqual([]);
          expect(copies(seen.rawHeaders, 'X-SSL-Client-Cert')).toBeLessThanOrEqual(1);
          if (behaviour.removesEverySpelling) expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
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
      // The first spelling the server does not refuse outright.
      const sniSpelling = Object.keys(SPELLINGS).find((spelling) => behaviour.refusedSpellings[spelling] === undefined)!;
      it(`SNI ${MTLS_SERVER_NAME} with Host ${SERVER_NAME}: no forged or forwarded header reaches the app`, async () => {
        const result = await send(valid, sniSpelling, MTLS_SERVER_NAME, SERVER_NAME);
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
        const result = await send(valid, sniSpelling, SERVER_NAME, MTLS_SERVER_NAME);
        await withServerLogs([server], () => {
          expect(result).toMatchObject({ kind: 'response', status: behaviour.sniPlainHostAlias });
        });
      });
    });
  });

  describeIf(needing(behaviour.kind, `${behaviour.kind}: the shipped api template, rendered standalone`), () => {
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    let server: RunningServer | undefined;
    let files: ReturnType<typeof serverFiles> | undefined;
    let port = 0;

    beforeAll(async () => {
      app = await startApp(behaviour.format, behaviour.chainHeader);
      port = await freePort();
      files = serverFiles(behaviour.kind);
      const config = renderTemplate(behaviour.kind, { ...templateValues(port, app.port), ...files.values, serverName: 'api.localhost' }, { site: 'api', standalone: true });
      server = await startServer(behaviour.kind, { config, port });
    });

    afterAll(async () => {
      await server?.stop();
      await app?.close();
      files?.remove();
    });

    it.each(CLIENT_CASES.filter((clientCase) => behaviour.outcomes[clientCase.name]!.kind === 'app').map((clientCase) => [clientCase.name, clientCase] as const))('%s, with forged headers: the app sees what the server saw', async (_name, clientCase) => {
      const result = await request({ port, servername: 'api.localhost', host: 'api.localhost', ...(clientCase.cert ? { cert: clientCase.cert, key: clientCase.key! } : {}), headers: forgedHeaders('in lower case') });
      await withServerLogs([server], () => {
        const outcome = behaviour.outcomes[clientCase.name]!;
        const seen = echo(result);
        expect(seen.status).toBe(200);
        if (outcome.kind === 'app') {
          expect(seen.verification?.status).toBe(outcome.verify);
          if (outcome.verifyHeader !== undefined) expect(headerValues(seen.rawHeaders, 'X-SSL-Client-Verify')).toEqual(outcome.verifyHeader === null ? [] : [outcome.verifyHeader]);
        }
        expect(seen.thumbprint).toBe(clientCase.leaf ? reference(clientCase.leaf).thumbprint : undefined);
        expect(forgeriesSeen(seen.rawHeaders).any).toEqual([]);
      });
    });
  });
}
