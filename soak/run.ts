/**
 * `npm run soak`: two app instances (child processes, soak/app.ts) behind a real nginx rendered
 * from the shipped template (its upstream group lists both; failover for requests not yet sent), and
 * a load process (soak/load.ts) cycling through 10,000 client certificates, one TLS connection
 * per certificate visit. During the run: the signing key is rotated in the shared key file, and
 * instance B is killed (SIGKILL) and restarted. Prints and writes .tmp/soak/report.json.
 * Environment: SOAK_SECONDS (65), SOAK_CLIENTS (10000), SOAK_CONCURRENCY (32), SOAK_PER_CONNECTION (25), SOAK_CACHE_SIZE (5000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KeyStore } from '../src/issuer/index.js';
import { renderTemplate } from '../src/templates/index.js';
import { freePort, startNginx } from '../test/helpers/servers.js';
import { pkiPath, readPki } from '../test/helpers/fixtures.js';
import { soakPki } from './pki.js';
import type { Tally } from './load.js';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? '65');
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? '10000');
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? '32');
const PER_CONNECTION = Number(process.env.SOAK_PER_CONNECTION ?? '25');
const CACHE_SIZE = process.env.SOAK_CACHE_SIZE ?? '5000';
const cacheDir = join(ROOT, '.tmp', 'soak');
const TSX = ['--import', 'tsx'];

const pki = await soakPki(cacheDir, CLIENTS);
const work = mkdtempSync(join(tmpdir(), 'mtls-pop-soak-'));
chmodSync(work, 0o755);
const files = { ca: join(work, 'soak-ca.pem'), clients: join(work, 'clients.json'), keys: join(work, 'signing-keys.json'), pki: join(cacheDir, `pki-${CLIENTS}.json`) };
writeFileSync(files.ca, pki.caPem);
writeFileSync(files.clients, JSON.stringify({ clients: pki.clients.map((client) => ({
  client_id: client.id, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: client.dns, scope: 'api:read',
})) }));
await KeyStore.generate({ file: files.keys });
// nginx offers these CA names; optional_no_ca forwards whatever the client sends anyway.
writeFileSync(join(work, 'client-ca.pem'), pki.caPem + readPki('ca-bundle.pem'));

interface Instance { name: string; port: number; child: ChildProcess; samples: { at: string; rss: number; heapUsed: number }[] }
const instances: Instance[] = [];

function startInstance(name: string, port: number, samples: Instance['samples'] = []): Promise<Instance> {
  const child = fork(join(ROOT, 'soak', 'app.ts'), [], {
    // --expose-gc: the app collects garbage before it reports its memory, so samples show what is retained.
    execArgv: [...TSX, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, SOAK_PORT: String(port), SOAK_KEY_FILE: files.keys, SOAK_CLIENTS_FILE: files.clients, SOAK_CA_FILE: files.ca, SOAK_CACHE_SIZE: CACHE_SIZE },
  });
  return new Promise((resolveReady, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${name} exited (${code}) before it was ready`)));
    child.on('message', (message: { type?: string }) => { if (message.type === 'ready') resolveReady({ name, port, child, samples }); });
  });
}

function sampleRss(instance: Instance, at: string): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, 2000);
    instance.child.once('message', (message: { type?: string; rss?: number; heapUsed?: number }) => {
      if (message.type === 'rss') instance.samples.push({ at, rss: message.rss!, heapUsed: message.heapUsed! });
      clearTimeout(timer);
      done();
    });
    instance.child.send({ type: 'rss' });
  });
}

const ports = [await freePort(), await freePort()];
instances.push(await startInstance('A', ports[0]!), await startInstance('B', ports[1]!));
const nginxPort = await freePort();
const rendered = renderTemplate('nginx', {
  serverName: 'as.localhost', mtlsServerName: 'mtls.as.localhost', listen: `127.0.0.1:${nginxPort}`, upstream: ports.map((port) => `127.0.0.1:${port}`),
  certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: join(work, 'client-ca.pem'),
}, { standalone: true });
// Both instances are in the template's upstream group; only the load-test sizing changes.
const config = rendered
  .replace('worker_connections 512;', 'worker_connections 4096;')
  .replace('access_log logs/access.log;', 'access_log off;');
const nginxPrefix = join(work, 'nginx');
mkdirSync(nginxPrefix);
const nginx = await startNginx({ config, port: nginxPort, prefix: nginxPrefix });

const events: string[] = [];
const started = Date.now();
const at = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const load = fork(join(ROOT, 'soak', 'load.ts'), [files.pki, pkiPath('ca-bundle.pem'), String(nginxPort), String(SECONDS), String(CONCURRENCY), String(PER_CONNECTION)],
  { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const result = new Promise<Tally>((done) => load.on('message', (message: { type: string; tally?: Tally; ok?: number; wrong?: number; proxyRefusals?: number; requests?: number }) => {
  if (message.type === 'done') done(message.tally!);
  else console.error(`soak ${at()}: ${message.requests} requests, ${message.ok} ok, ${message.wrong} wrong, ${message.proxyRefusals} 502/503/504`);
}));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Memory every tenth of the run, after a GC in the app: a bounded process levels off once its
// caches are full (A runs throughout; B is killed and restarted halfway).
const sampler = (async () => {
  for (let tick = 0; tick <= 10; tick++) {
    await sleep(Math.max(0, started + Math.max(3000, (SECONDS * 1000 * tick) / 10 - 2500) - Date.now()));
    for (const instance of instances) await sampleRss(instance, at());
  }
})();
const timeline = async (): Promise<void> => {
  await sleep(SECONDS * 1000 * 0.3);
  // As `mtls-pop keys rotate` does: the new key is published at once and signs 10 s later, when
  // every instance has seen the file change.
  const rotated = await (await KeyStore.fromFile(files.keys)).rotate({ activateAfterSeconds: 10 });
  events.push(`${at()}: signing key rotated (new kid ${rotated.kid.slice(0, 12)}…)`);
  await sleep(SECONDS * 1000 * 0.2);
  const b = instances[1]!;
  b.child.kill('SIGKILL');
  events.push(`${at()}: instance B killed (SIGKILL)`);
  await sleep(3000);
  instances[1] = await startInstance('B', b.port, b.samples);
  events.push(`${at()}: instance B restarted`);
};
const [tally] = await Promise.all([result, timeline(), sampler]);
const elapsed = (Date.now() - started) / 1000;

const sorted = Float64Array.from(tally.latenciesMs).sort();
const percentile = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const report = {
  seconds: SECONDS, clients: CLIENTS, concurrency: CONCURRENCY, requestsPerConnection: PER_CONNECTION, cacheSize: Number(CACHE_SIZE),
  requests: tally.latenciesMs.length, throughputPerSecond: Math.round(tally.latenciesMs.length / SECONDS),
  latencyMs: { p50: +percentile(0.5).toFixed(2), p90: +percentile(0.9).toFixed(2), p99: +percentile(0.99).toFixed(2), max: +percentile(1).toFixed(2) },
  ok: tally.ok, tokensIssued: tally.tokens, intendedRefusals: tally.intendedRefusals, proxyRefusals502: tally.proxyRefusals,
  wrongDecisions: tally.wrong, transportErrors: tally.transportErrors, tlsConnections: tally.connections, distinctClientCertificates: tally.distinctClients,
  wrongSamples: tally.wrongSamples, events,
  rssMiB: Object.fromEntries(instances.map((instance) => [instance.name, instance.samples.map((s) => ({ at: s.at, rss: +(s.rss / 1048576).toFixed(1), heapUsed: +(s.heapUsed / 1048576).toFixed(1) }))])),
  elapsedSeconds: elapsed,
};
console.log(JSON.stringify(report, null, 2));
writeFileSync(join(cacheDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');

await nginx.stop();
for (const instance of instances) instance.child.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
const failed = tally.wrong > 0 || tally.transportErrors > 0;
console.log(failed ? 'soak: FAILED (wrong decisions or transport errors above)' : 'soak: passed (no wrong decision, no transport error)');
process.exit(failed ? 1 : 0);
