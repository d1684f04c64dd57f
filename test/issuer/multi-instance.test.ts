import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { KeyStore, RedisRevocationStore } from '../../src/issuer/index.js';
import { buildApp, RESOURCE } from './helpers.js';
import { startRedis } from './redis.js';

const directory = mkdtempSync(join(tmpdir(), 'mtls-pop-instances-'));
let stop: (() => void) | undefined;
let a: { app: Express; keys: KeyStore };
let b: { app: Express; keys: KeyStore };

beforeAll(async () => {
  const { clients, stop: stopRedis } = await startRedis(2);
  stop = stopRedis;
  const file = join(directory, 'keys.json');
  const keysA = await KeyStore.generate({ file });
  const keysB = await KeyStore.fromFile(file);
  a = await buildApp({ keys: keysA, revocations: new RedisRevocationStore(clients[0] as Redis) });
  b = await buildApp({ keys: keysB, revocations: new RedisRevocationStore(clients[1] as Redis) });
});
afterAll(() => {
  stop?.();
  rmSync(directory, { recursive: true, force: true });
});

const issue = async (app: Express) => (await request(app).post('/token').type('form').set('x-test-certificate', 'client-ec-chain')
  .send(`grant_type=client_credentials&client_id=client-ec-dns&resource=${encodeURIComponent(RESOURCE)}`)).body.access_token as string;
const introspect = async (app: Express, token: string) => (await request(app).post('/introspect').type('form').set('x-test-certificate', 'client-ec-chain')
  .send(`client_id=client-ec-dns&token=${token}`)).body as { active: boolean };

describe('two instances sharing a key file and Redis', () => {
  it('introspect each other\'s tokens, and a revocation on one is seen by the other', async () => {
    const token = await issue(a.app);
    expect((await introspect(b.app, token)).active).toBe(true);
    expect((await request(b.app).post('/revoke').type('form').set('x-test-certificate', 'client-ec-chain').send(`client_id=client-ec-dns&token=${token}`)).status).toBe(200);
    expect((await introspect(a.app, token)).active).toBe(false);
  });

  it('verify tokens signed with a key another instance rotated in (reload on an unknown kid)', async () => {
    await a.keys.rotate();
    const token = await issue(a.app);
    expect(b.keys.verificationKey(a.keys.active.kid)).toBeUndefined();
    expect((await introspect(b.app, token)).active).toBe(true);
    expect(b.keys.active.kid).toBe(a.keys.active.kid);
  });
});
