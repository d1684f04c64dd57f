import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { runCli, startServe, type ServeProcess } from './serve-process.js';

/**
 * Two `serve --behind-proxy` processes sharing one state folder (key file, client registry,
 * development CA), as two instances behind one nginx upstream. The test stands where the proxy
 * stands: it sends the certificate header from loopback, the trusted proxy.
 */
const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-rotation-'));
writeFileSync(join(cwd, 'config.json'), JSON.stringify({
  mode: 'behind-proxy', proxy: { trustedProxies: ['loopback'] }, issuer: { url: 'https://as.rotation.test', tokenLifetime: 300 }, listen: { port: 0 },
}));
const instances: ServeProcess[] = [];
const ACTIVATE_AFTER_SECONDS = 3;

beforeAll(async () => {
  // One after the other: the first creates the development PKI, the registry and the key file.
  for (let i = 0; i < 2; i++) instances.push(await startServe(['--config', 'config.json'], { cwd, env: { MTLS_POP_LOG_LEVEL: 'info' } }));
}, 60_000);
afterAll(() => {
  for (const instance of instances) instance.kill();
});

const escaped = (pem: string): string => pem.replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const asProxy = (): Record<string, string> => ({ 'x-ssl-client-cert': escaped(readFileSync(join(cwd, '.mtls-pop', 'pki', 'demo-client.pem'), 'utf8')), 'x-ssl-client-verify': 'SUCCESS' });
const kidOf = (token: string): string => decodeProtectedHeader(token).kid!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `condition` holds, checking between the workers' requests. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

/** A token from instance `i`, or the failure as a string. */
async function tokenFrom(i: number): Promise<string> {
  const response = await fetch(`${instances[i]!.url}/token`, {
    method: 'POST', headers: { ...asProxy(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-client', scope: 'api:read' }).toString(),
  });
  if (response.status !== 200) throw new Error(`token from instance ${i}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
const apiStatus = async (i: number, token: string): Promise<number> =>
  (await fetch(`${instances[i]!.url}/api/hello`, { headers: { ...asProxy(), authorization: `Bearer ${token}` } })).status;
const publishedKids = async (i: number): Promise<string[]> =>
  ((await (await fetch(`${instances[i]!.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);

describe('mtls-pop keys rotate while two serve --behind-proxy instances answer requests', () => {
  it('switches both instances to the new key with zero failed requests; tokens from before keep working on both', async () => {
    const before = await tokenFrom(0);
    const oldKid = kidOf(before);
    expect([await apiStatus(0, before), await apiStatus(1, before)]).toEqual([200, 200]);

    // Clients keep getting tokens from one instance and calling the API on the other, and replay the old token.
    const failures: string[] = [];
    const kidsSeen = new Set<string>();
    let requests = 0;
    let running = true;
    const worker = async (seed: number): Promise<void> => {
      for (let round = seed; running; round++) {
        const issuer = round % 2;
        try {
          const token = await tokenFrom(issuer);
          kidsSeen.add(kidOf(token));
          for (const [instance, presented] of [[1 - issuer, token], [issuer, before]] as const) {
            const status = await apiStatus(instance, presented);
            requests += 1;
            if (status !== 200) failures.push(`instance ${instance} answered ${status} for a token of kid ${kidOf(presented)}`);
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const workers = [0, 1, 2].map(worker);

    // Traffic is flowing before the rotation...
    await until(() => requests >= 6 || failures.length > 0);
    const rotation = await runCli(['keys', 'rotate', '--config', 'config.json', '--activate-after', String(ACTIVATE_AFTER_SECONDS)], { cwd, timeoutMs: 30_000 });
    expect([rotation.code, rotation.stderr]).toEqual([0, '']);
    const newKid = /^new key (\S+) /m.exec(rotation.stdout)![1]!;
    expect(rotation.stdout).toContain(`old key ${oldKid} `);

    // Both instances publish the new key before either signs with it.
    const deadline = Date.now() + 20_000;
    while (kidOf(await tokenFrom(0)) !== newKid || kidOf(await tokenFrom(1)) !== newKid) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(100);
    }
    // ...and goes on after both switched, before the workers stop.
    const switched = requests;
    await until(() => requests >= switched + 6 || failures.length > 0);
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect([...kidsSeen].sort()).toEqual([oldKid, newKid].sort());
    expect([await apiStatus(0, before), await apiStatus(1, before)]).toEqual([200, 200]);
    for (const issuer of [0, 1]) {
      const after = await tokenFrom(issuer);
      expect(kidOf(after)).toBe(newKid);
      expect([await apiStatus(0, after), await apiStatus(1, after)]).toEqual([200, 200]);
      expect(await publishedKids(issuer)).toEqual([newKid, oldKid]);
    }
    for (const instance of instances) expect(instance.logs()).toContain('"msg":"signing keys reloaded"');
  }, 90_000);

  it('stops gracefully on SIGTERM with the key file still watched (exit 0)', async () => {
    const instance = instances[1]!;
    instance.child.kill('SIGTERM');
    expect(await instance.exited).toEqual({ code: 0, signal: null });
  }, 20_000);
});
