/**
 * N app instances behind one real nginx / Apache httpd / HAProxy / Caddy, rendered from the shipped template with an
 * upstream list: requests are spread over the instances, a stopped instance is routed around and
 * taken back once it returns, and request bodies are capped by the template, never answered 500.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderTemplate } from '../../src/templates/index.js';
import { needing, freePort, serverAvailable, startServer, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { readPki } from '../helpers/fixtures.js';
import { SERVER_NAME, serverFiles, templateValues } from './harness.js';

/** One app instance: answers which instance it is and how many body bytes it read; counts what reached it. */
class Instance {
  server: Server | undefined;
  port = 0;
  requests = 0;
  constructor(readonly name: string) {}

  async start(port = 0): Promise<void> {
    const app = express();
    app.use((req, res) => {
      this.requests += 1;
      let bytes = 0;
      req.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      req.on('end', () => res.json({ instance: this.name, method: req.method, bytes }));
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Answer { status: number; instance?: string; bytes?: number; body: string }

/** One request through the web server on the plain host, on a fresh TLS connection. */
function send(port: number, method: 'GET' | 'POST', body?: { bytes: number; chunked?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body ? Buffer.alloc(body.bytes, 'a') : undefined;
    const headers: Record<string, string> = { host: SERVER_NAME };
    if (payload) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      if (body?.chunked) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = String(payload.length);
    }
    const req = httpsRequest({ host: '127.0.0.1', port, servername: SERVER_NAME, method, path: '/who', headers, ca: readPki('ca-bundle.pem'), agent: false, timeout: 15000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => {
        let parsed: { instance?: string; bytes?: number } = {};
        try { parsed = JSON.parse(text) as typeof parsed; } catch { /* the web server's own page */ }
        resolve({ status: res.statusCode ?? 0, body: text, ...parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (payload && body?.chunked) {
      // Several chunks, as a streaming client would send them.
      for (let at = 0; at < payload.length; at += 8192) req.write(payload.subarray(at, at + 8192));
      req.end();
    } else {
      req.end(payload);
    }
  });
}

async function sendMany(port: number, count: number, method: 'GET' | 'POST' = 'GET'): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let index = 0; index < count; index++) answers.push(await send(port, method, method === 'POST' ? { bytes: 64 } : undefined));
  return answers;
}
const tally = (answers: readonly Answer[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.status === 200 ? answer.instance! : `status ${answer.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe.each(['nginx', 'apache', 'haproxy', 'caddy'] as const)('%s: the authorization-server template with two upstreams', (kind) => {
  const available = serverAvailable(kind);
  const instances = [new Instance('A'), new Instance('B')] as const;
  let server: RunningServer | undefined;
  let files: ReturnType<typeof serverFiles> | undefined;
  let port = 0;

  beforeAll(async () => {
    if (!available) return;
    for (const instance of instances) await instance.start();
    port = await freePort();
    files = serverFiles(kind);
    const config = renderTemplate(kind, {
      ...templateValues(port, 0), ...files.values, upstream: instances.map((instance) => `127.0.0.1:${instance.port}`),
      ...(kind === 'haproxy' ? { mtlsListen: `127.0.0.1:${await freePort()}` } : {}),
    }, { standalone: true });
    server = await startServer(kind, { config, port });
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    for (const instance of instances) await instance.stop();
    files?.remove();
  });

  (available ? describe : describe.skip)(needing(kind, 'balancing and failover'), () => {
    it('spreads requests over both instances, taking them in turn', async () => {
      const answers = await sendMany(port, 10);
      await withServerLogs([server], () => {
        expect(tally(answers)).toEqual({ A: 5, B: 5 });
      });
    });

    it('with one instance stopped, every GET and every POST succeeds on the other (the stopped one never saw them)', async () => {
      await instances[1].stop();
      const answers = [...await sendMany(port, 6, 'GET'), ...await sendMany(port, 4, 'POST')];
      await withServerLogs([server], () => {
        expect(tally(answers)).toEqual({ A: 10 });
      });
    });

    it('takes the instance back once it listens again', async () => {
      await instances[1].start(instances[1].port);
      const deadline = Date.now() + 15_000;
      const seen: Answer[] = [];
      while (Date.now() < deadline && !seen.some((answer) => answer.instance === 'B')) {
        seen.push(await send(port, 'GET'));
        if (seen.at(-1)!.instance !== 'B') await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await withServerLogs([server], () => {
        expect(seen.filter((answer) => answer.status !== 200)).toEqual([]);
        expect(seen.at(-1)?.instance).toBe('B');
      });
    }, 20_000);
  });

  (available ? describe : describe.skip)(needing(kind, 'request bodies (the template caps them at 64 KiB)'), () => {
    // 40 KB is over the web servers' in-memory body buffers (nginx: 16 KiB, then temp/client_body):
    // it must reach the app, which answers its own OAuth error in production (its limit is 8 KiB).
    it('passes a 40 KB POST to an instance, whole', async () => {
      const answer = await send(port, 'POST', { bytes: 40_000 });
      await withServerLogs([server], () => {
        expect({ status: answer.status, bytes: answer.bytes }).toEqual({ status: 200, bytes: 40_000 });
      });
    });

    it('refuses a 100 KB POST with Content-Length with 413 from the web server; no instance sees it', async () => {
      const before = instances.map((instance) => instance.requests);
      const answer = await send(port, 'POST', { bytes: 100_000 });
      await withServerLogs([server], () => {
        expect(answer.status).toBe(413);
        expect(answer.instance).toBeUndefined();
        expect(instances.map((instance) => instance.requests)).toEqual(before);
      });
    });

    // Apache applies no body limit to proxied requests, and the HAProxy and Caddy caps read
    // Content-Length: they stream a chunked body to the app, whose own limit (8 KiB in the authorization server) answers it.
    it(`${kind === 'nginx' ? 'refuses a chunked 100 KB POST with 413 from nginx' : 'streams a chunked 100 KB POST to an instance, whole (the app caps it)'}`, async () => {
      const answer = await send(port, 'POST', { bytes: 100_000, chunked: true });
      await withServerLogs([server], () => {
        if (kind === 'nginx') expect({ status: answer.status, instance: answer.instance }).toEqual({ status: 413, instance: undefined });
        else expect({ status: answer.status, bytes: answer.bytes }).toEqual({ status: 200, bytes: 100_000 });
      });
    });
  });
});
