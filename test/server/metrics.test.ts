/**
 * `mtls-pop serve` with metrics.enabled: /metrics on its own listener, and each counter moves
 * when its event happens (real TLS clients, real requests).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { KeyStore } from '../../src/issuer/index.js';
import { METRIC_NAMES } from '../../src/server/metrics.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { readPki } from '../helpers/fixtures.js';

const quiet = { write: () => true };
const METRICS_TOKEN = 'metrics-token-for-tests';

interface Answer { status: number; body: string }

function call(url: string, options: { method?: string; body?: string; headers?: Record<string, string>; cert?: string; key?: string; ca?: string; localAddress?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: options.method ?? 'GET',
      headers: { ...(options.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...options.headers },
      ...(options.ca ? { ca: options.ca } : {}), ...(options.cert ? { cert: options.cert, key: options.key } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The value of one sample of the scrape, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

describe('mtls-pop serve: Prometheus metrics', () => {
  let tls: RunningServer;
  let proxied: RunningServer;
  let state: string;
  const scrape = async (server: RunningServer): Promise<string> => {
    const answer = await call(server.metricsUrl!, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-metrics-'));
    state = join(cwd, '.mtls-pop', 'pki');
    const metrics = { 'metrics.enabled': true, 'metrics.port': 0, 'metrics.token': METRICS_TOKEN };
    tls = await startServer(loadConfig({ env: {}, overrides: { 'listen.port': 0, ...metrics } }), { cwd, logDestination: quiet });
    proxied = await startServer(loadConfig({ env: {}, overrides: {
      mode: 'behind-proxy', 'listen.port': 0, 'proxy.trustedProxies': ['127.0.0.1'], 'issuer.url': 'https://as.localhost', ...metrics,
    } }), { cwd: mkdtempSync(join(tmpdir(), 'mtls-pop-metrics-proxied-')), logDestination: quiet });
  }, 30_000);
  afterAll(async () => {
    await tls?.close();
    await proxied?.close();
  });

  const demo = () => ({ cert: readFileSync(join(state, 'demo-client.pem'), 'utf8'), key: readFileSync(join(state, 'demo-client.key'), 'utf8'), ca: readFileSync(join(state, 'ca.pem'), 'utf8') });
  const token = async (): Promise<string> => {
    const answer = await call(`${tls.url}/token`, { method: 'POST', body: 'grant_type=client_credentials&client_id=demo-client&scope=api:read', ...demo() });
    expect(answer.status).toBe(200);
    return (JSON.parse(answer.body) as { access_token: string }).access_token;
  };

  it('serves /metrics on its own port, not on the public listener, and only with the token', async () => {
    expect(new URL(tls.metricsUrl!).port).not.toBe(String(tls.port));
    expect((await call(`${tls.url}/metrics`, demo())).status).toBe(404);
    expect((await call(tls.metricsUrl!)).status).toBe(401);
    expect((await call(tls.metricsUrl!, { headers: { authorization: 'Bearer wrong-token-for-tests' } })).status).toBe(401);
    expect(await scrape(tls)).toContain(`# TYPE ${METRIC_NAMES.token_issued} counter`);
  });

  it('counts tokens issued, by authentication method', async () => {
    const before = sample(await scrape(tls), METRIC_NAMES.token_issued, { method: 'tls_client_auth', bound: 'true' });
    await token();
    expect(sample(await scrape(tls), METRIC_NAMES.token_issued, { method: 'tls_client_auth', bound: 'true' })).toBe(before + 1);
  });

  it('counts token refusals by code: binding mismatch, expired, revoked', async () => {
    const bearer = await token();
    const count = async (code: string) => sample(await scrape(tls), METRIC_NAMES.token_refused, { code });
    const api = `${tls.url}/api/hello`;

    const mismatch = await count('ERR_CERTIFICATE_MISMATCH');
    const other = { cert: readPki('client-ec.pem'), key: readPki('client-ec.key'), ca: demo().ca };
    expect((await call(api, { headers: { authorization: `Bearer ${bearer}` }, ...other })).status).toBe(401);
    expect(await count('ERR_CERTIFICATE_MISMATCH')).toBe(mismatch + 1);

    const expired = await count('ERR_TOKEN_EXPIRED');
    const keys = await KeyStore.fromFile(tls.files.keyFile);
    const claims = JSON.parse(Buffer.from(bearer.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const old = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 1200 })
      .setProtectedHeader({ alg: keys.active.alg, kid: keys.active.kid, typ: 'at+jwt' }).sign(keys.active.privateKey);
    keys.close();
    expect((await call(api, { headers: { authorization: `Bearer ${old}` }, ...demo() })).status).toBe(401);
    expect(await count('ERR_TOKEN_EXPIRED')).toBe(expired + 1);

    const revoked = await count('ERR_TOKEN_REVOKED');
    expect((await call(`${tls.url}/revoke`, { method: 'POST', body: `token=${bearer}&client_id=demo-client`, ...demo() })).status).toBe(200);
    expect((await call(api, { headers: { authorization: `Bearer ${bearer}` }, ...demo() })).status).toBe(401);
    expect(await count('ERR_TOKEN_REVOKED')).toBe(revoked + 1);
  });

  it('counts client certificates that failed verification', async () => {
    const before = sample(await scrape(tls), METRIC_NAMES.certificate_verify_failed, { source: 'tls' });
    await call(`${tls.url}/api/hello`, { cert: readPki('client-unrelated.pem'), key: readPki('client-unrelated.key'), ca: demo().ca });
    expect(sample(await scrape(tls), METRIC_NAMES.certificate_verify_failed, { source: 'tls' })).toBe(before + 1);
  });

  it('counts certificate headers from an untrusted peer: the forged-header alert', async () => {
    const before = sample(await scrape(proxied), METRIC_NAMES.certificate_header_untrusted);
    const answer = await call(`${proxied.url}/api/hello`, { headers: { 'x-ssl-client-cert': encodeURIComponent(readPki('client-ec.pem')), 'x-ssl-client-verify': 'SUCCESS' }, localAddress: '127.0.0.2' });
    expect(answer.status).toBe(400);
    expect(sample(await scrape(proxied), METRIC_NAMES.certificate_header_untrusted)).toBe(before + 1);
  });

  it('counts refused forwarded certificates by code', async () => {
    const before = sample(await scrape(proxied), METRIC_NAMES.certificate_refused, { code: 'ERR_CERT_HEADER_DUPLICATE' });
    const pem = encodeURIComponent(readPki('client-ec.pem'));
    // Two copies of the header from the trusted proxy: refused as a duplicate.
    const answer = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${proxied.url}/api/hello`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: ['host', url.host, 'x-ssl-client-cert', pem, 'x-ssl-client-cert', pem] as unknown as Record<string, string> }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toBe(400);
    expect(sample(await scrape(proxied), METRIC_NAMES.certificate_refused, { code: 'ERR_CERT_HEADER_DUPLICATE' })).toBe(before + 1);
  });
});
