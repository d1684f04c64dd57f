import { Redis } from 'ioredis';
import { redactUrl } from '../config/index.js';
import { MemoryRevocationStore, RedisRevocationStore, type RevocationStore } from '../issuer/index.js';

/** The configured revocation store (`'memory'` or a Redis URL), reachable, with a way to let go of it. */
export async function openRevocationStore(setting: string, logger?: { warn(object: object, message?: string): void }): Promise<{ store: RevocationStore; close(): Promise<void> }> {
  if (setting === 'memory') return { store: new MemoryRevocationStore(), close: async () => {} };
  const redis = new Redis(setting, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 2 });
  // ioredis reconnects by itself; say so once per outage rather than once per retry.
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger?.warn({ store: redactUrl(setting), error: error.message }, 'revocation store unreachable; retrying');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`revocation.store: cannot reach ${redactUrl(setting)}: ${(error as Error).message}`);
  }
  return {
    store: new RedisRevocationStore(redis),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
