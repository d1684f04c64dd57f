/**
 * The soak's load (a child process): C concurrent slots; each slot takes the next client of the
 * population, opens ONE TLS connection to nginx with that client's certificate (undici Client,
 * keep-alive), gets the client's token if it has none yet, sends R API requests, closes, and
 * moves on. One API request in 50 presents the NEXT client's token: an intended refusal (401).
 * Every answer is classified; a 200 must name the connection's own client and thumbprint.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'undici';
import type { SoakPki } from './pki.js';

const [pkiFile, caFile, portText, durationText, concurrencyText, perConnectionText] = process.argv.slice(2);
const pki = JSON.parse(readFileSync(pkiFile!, 'utf8')) as SoakPki;
const serverCa = readFileSync(caFile!, 'utf8');
const port = Number(portText);
const deadline = Date.now() + Number(durationText) * 1000;
const concurrency = Number(concurrencyText);
const perConnection = Number(perConnectionText);
const HOST = 'mtls.as.localhost';

export interface Tally {
  ok: number; tokens: number; intendedRefusals: number; proxyRefusals: number; wrong: number; transportErrors: number;
  connections: number; distinctClients: number; wrongSamples: string[]; latenciesMs: number[];
}
const tally: Tally = { ok: 0, tokens: 0, intendedRefusals: 0, proxyRefusals: 0, wrong: 0, transportErrors: 0, connections: 0, distinctClients: 0, wrongSamples: [], latenciesMs: [] };
const tokens = new Map<number, string>();
const touched = new Set<number>();
let next = 0;
let intended = 0;

const wrong = (what: string): void => { tally.wrong += 1; if (tally.wrongSamples.length < 20) tally.wrongSamples.push(what); };

async function timed<T>(fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try { return await fn(); } finally { tally.latenciesMs.push(performance.now() - started); }
}

async function session(index: number): Promise<void> {
  const client = pki.clients[index]!;
  const connection = new Client(`https://127.0.0.1:${port}`, {
    connect: { cert: client.cert, key: client.key, ca: serverCa, servername: HOST }, pipelining: 1, keepAliveTimeout: 30_000,
  });
  tally.connections += 1;
  touched.add(index);
  try {
    if (!tokens.has(index)) {
      const form = `grant_type=client_credentials&client_id=${client.id}&scope=api%3Aread`;
      const response = await timed(() => connection.request({ method: 'POST', path: '/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, body: form }));
      const text = await response.body.text();
      if (response.statusCode === 200) { tally.tokens += 1; tokens.set(index, (JSON.parse(text) as { access_token: string }).access_token); }
      else if (response.statusCode >= 502 && response.statusCode <= 504) { tally.proxyRefusals += 1; return; }
      else { wrong(`token ${client.id}: ${response.statusCode} ${text.slice(0, 200)}`); return; }
    }
    for (let n = 0; n < perConnection && Date.now() < deadline; n++) {
      const other = (index + 1) % pki.clients.length;
      const foreign = ++intended % 50 === 0 && tokens.has(other);
      const token = foreign ? tokens.get(other)! : tokens.get(index)!;
      const response = await timed(() => connection.request({ method: 'GET', path: '/api/hello', headers: { host: HOST, authorization: `Bearer ${token}` } }));
      const text = await response.body.text();
      if (response.statusCode >= 502 && response.statusCode <= 504) { tally.proxyRefusals += 1; continue; }
      if (foreign) {
        if (response.statusCode === 401 && /invalid_token/.test(String(response.headers['www-authenticate']))) tally.intendedRefusals += 1;
        else wrong(`foreign token accepted or refused otherwise: ${response.statusCode} ${text.slice(0, 200)}`);
        continue;
      }
      if (response.statusCode !== 200) { wrong(`api ${client.id}: ${response.statusCode} ${text.slice(0, 200)}`); continue; }
      const body = JSON.parse(text) as { client_id?: string; 'x5t#S256'?: string };
      if (body.client_id !== client.id || body['x5t#S256'] !== client.thumbprint) wrong(`api ${client.id}: answered for ${body.client_id} ${body['x5t#S256']}`);
      else tally.ok += 1;
    }
  } catch (error) {
    tally.transportErrors += 1;
    if (tally.wrongSamples.length < 20) tally.wrongSamples.push(`transport: ${(error as Error).message}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function slot(): Promise<void> {
  while (Date.now() < deadline) await session(next++ % pki.clients.length);
}

const progress = setInterval(() => process.send?.({ type: 'progress', ok: tally.ok, wrong: tally.wrong, proxyRefusals: tally.proxyRefusals, requests: tally.latenciesMs.length }), 5000);
await Promise.all(Array.from({ length: concurrency }, () => slot()));
clearInterval(progress);
tally.distinctClients = touched.size;
process.send?.({ type: 'done', tally }, () => process.exit(0));
