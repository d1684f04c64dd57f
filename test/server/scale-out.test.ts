import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thumbprint } from '../../src/certificate/thumbprint.js';
import { runDemoFlow } from '../../src/server/demo-flow.js';
import { startDemoStack, type DemoStack } from '../../src/server/demo-stack.js';
import { needing, serverAvailable, startNginx } from '../helpers/servers.js';
import { startRedis } from './redis.js';

/** What nginx forwards for the demo certificate ($ssl_client_escaped_cert): the tests stand where the proxy stands. */
const escaped = (pem: string): string => pem.replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

const available = serverAvailable('nginx');
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
let stack: DemoStack | undefined;
const logs: string[][] = [[], []];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  stack = await startDemoStack({
    kind: 'nginx', instances: 2, revocationStore: redis.url, startWebServer: startNginx,
    stateDir: mkdtempSync(join(tmpdir(), 'mtls-pop-scale-')),
    logDestination: (index) => ({ write: (line: string) => void logs[index]!.push(line) }),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

function asProxy(): Record<string, string> {
  return { 'x-ssl-client-cert': escaped(stack!.target.client.certificate), 'x-ssl-client-verify': 'SUCCESS' };
}
const form = (values: Record<string, string>): RequestInit => ({ method: 'POST', headers: { ...asProxy(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values).toString() });

async function tokenFrom(instance: number): Promise<string> {
  const response = await fetch(`${stack!.apps[instance]!.url}/token`, form({ grant_type: 'client_credentials', client_id: 'demo-client', scope: 'api:read' }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}
const callApi = (instance: number, token: string): Promise<Response> => fetch(`${stack!.apps[instance]!.url}/api/hello`, { headers: { ...asProxy(), authorization: `Bearer ${token}` } });

(available ? describe : describe.skip)(needing('nginx', 'two serve --behind-proxy instances behind one nginx upstream, sharing keys, clients and Redis'), () => {
  it.each([[0, 1], [1, 0]])('a token issued by instance %i validates on instance %i', async (issuer, verifier) => {
    const token = await tokenFrom(issuer);
    const response = await callApi(verifier, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ client_id: 'demo-client', 'x5t#S256': thumbprint(new X509Certificate(stack!.target.client.certificate).raw) });
  });

  it('a token revoked on one instance is refused and inactive on the other (shared Redis)', async () => {
    const token = await tokenFrom(0);
    expect((await callApi(1, token)).status).toBe(200);
    const revoked = await fetch(`${stack!.apps[0]!.url}/revoke`, form({ token, client_id: 'demo-client' }));
    expect(revoked.status).toBe(200);
    const refused = await callApi(1, token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: 'the token was revoked' });
    const introspection = await fetch(`${stack!.apps[1]!.url}/introspect`, form({ token, client_id: 'demo-client' }));
    expect(await introspection.json()).toEqual({ active: false });
  });

  it('renders both instances into the template\'s upstream group (no rewriting of the rendered file)', () => {
    const servers = stack!.webConfig.match(/^\s*server 127\.0\.0\.1:\d+ .*;$/gm)!.map((line) => line.trim().split(' ')[1]);
    expect(servers).toEqual(stack!.apps.map((app) => `127.0.0.1:${app.port}`));
    expect(stack!.webConfig.match(/proxy_pass http:\/\/mtls_pop_app;/g)).toHaveLength(2);
  });

  it('runs the whole demo flow through nginx, and nginx spreads the requests over both instances', async () => {
    logs[0]!.length = 0;
    logs[1]!.length = 0;
    for (let round = 0; round < 3; round++) {
      const steps = await runDemoFlow(stack!.target, stack!.files);
      expect(steps.filter((step) => !step.ok)).toEqual([]);
    }
    const served = logs.map((lines) => lines.filter((line) => line.includes('"msg":"request"')).length);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
  }, 30_000);
});
