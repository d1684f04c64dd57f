import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { requireCertificateBoundToken } from '../../src/resource/index.js';
import { AUDIENCE, ISSUER, bearer, certificate, close, issueToken, listen, protectedApp, recordingLogger, send, signingKey, withCertificate, type SigningKey } from './helpers.js';

const COOLDOWN_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let served: JWK[] = [];
let fetches = 0;
let jwksServer: Server;
let jwksUrl: string;
let k1: SigningKey;
let k2: SigningKey;
const servers: Server[] = [];

beforeAll(async () => {
  [k1, k2] = await Promise.all([signingKey('k1'), signingKey('k2', 'EdDSA')]);
  jwksServer = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.statusCode = 500;
      res.end();
      return;
    }
    fetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of servers) await close(s);
  await close(jwksServer);
});

async function app(path = '/jwks', jwksMaxAgeMs?: number) {
  const logger = recordingLogger();
  const guard = requireCertificateBoundToken({ jwksUri: `${jwksUrl}${path}`, jwksCooldownMs: COOLDOWN_MS, jwksMaxAgeMs, issuer: ISSUER, audience: AUDIENCE, logger });
  const { server, url } = await listen(protectedApp(withCertificate(certificate('client-ec')), guard));
  servers.push(server);
  return { url, logger };
}

describe('requireCertificateBoundToken({ jwksUri })', () => {
  it('fetches the key set once, refetches on an unknown kid, and never faster than the cooldown', async () => {
    served = [k1.publicJwk];
    fetches = 0;
    const { url, logger } = await app();
    expect((await send(url, { headers: bearer(await issueToken(k1)) })).status).toBe(200);
    expect((await send(url, { headers: bearer(await issueToken(k1)) })).status).toBe(200);
    expect(fetches).toBe(1);

    // Unknown kid inside the cooldown: refused without hammering the authorization server.
    const unknown = await issueToken(k2);
    for (let i = 0; i < 5; i++) expect((await send(url, { headers: bearer(unknown) })).status).toBe(401);
    expect(fetches).toBe(1);
    expect(logger.lines.every((line) => line.object.reason === 'ERR_TOKEN_KEY_UNKNOWN')).toBe(true);

    // The issuer publishes k2; after the cooldown one unknown kid triggers exactly one fetch.
    served = [k1.publicJwk, k2.publicJwk];
    await sleep(COOLDOWN_MS + 100);
    expect((await send(url, { headers: bearer(unknown) })).status).toBe(200);
    expect(fetches).toBe(2);
  });

  it('drops cached tokens when the key set changes: a token of a withdrawn key is refused', async () => {
    served = [k1.publicJwk];
    fetches = 0;
    const { url, logger } = await app();
    const old = await issueToken(k1);
    expect((await send(url, { headers: bearer(old) })).status).toBe(200);
    expect((await send(url, { headers: bearer(old) })).status).toBe(200);

    served = [k2.publicJwk]; // rotation: k1 withdrawn
    await sleep(COOLDOWN_MS + 100);
    expect((await send(url, { headers: bearer(await issueToken(k2)) })).status).toBe(200);
    expect(fetches).toBe(2);

    const answer = await send(url, { headers: bearer(old) });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_token']);
    expect(logger.lines.at(-1)!.object.reason).toBe('ERR_TOKEN_KEY_UNKNOWN');
    expect(fetches).toBe(2);
  });

  it('refreshes a stale key set on cache hits, so a withdrawn key stops working without new tokens', async () => {
    served = [k1.publicJwk];
    fetches = 0;
    const { url, logger } = await app('/jwks', 300);
    const old = await issueToken(k1);
    expect((await send(url, { headers: bearer(old) })).status).toBe(200);
    served = [k2.publicJwk];
    await sleep(400);
    expect((await send(url, { headers: bearer(old) })).status).toBe(200); // served from cache; starts the refresh
    for (let waited = 0; fetches < 2 && waited < 2000; waited += 20) await sleep(20);
    await sleep(20);
    expect(fetches).toBe(2);
    const answer = await send(url, { headers: bearer(old) });
    expect([answer.status, logger.lines.at(-1)?.object.reason]).toEqual([401, 'ERR_TOKEN_KEY_UNKNOWN']);
  });

  it('answers 503 server_error without a challenge when the key set cannot be fetched', async () => {
    const { url, logger } = await app('/broken');
    const answer = await send(url, { headers: bearer(await issueToken(k1)) });
    expect([answer.status, answer.body.error, answer.headers['www-authenticate']]).toEqual([503, 'server_error', undefined]);
    expect(logger.lines.map((line) => [line.level, line.object.reason])).toEqual([['error', 'ERR_VERIFIER_UNAVAILABLE']]);
  });
});
