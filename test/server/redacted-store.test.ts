import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { startRedis } from './redis.js';

// ioredis reads a password from the URL's query as well as from its user-info: the `listening`
// line must mask both. A real Redis that requires the password proves ioredis used it.
const SECRET = 'qu3ry-pa55word';
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
let running: RunningServer | undefined;
const lines: string[] = [];

beforeAll(async () => {
  redis = await startRedis(['--requirepass', SECRET]);
  const config = loadConfig({ env: { MTLS_POP_PORT: '0', MTLS_POP_STATE_DIR: mkdtempSync(join(tmpdir(), 'mtls-pop-redact-')), MTLS_POP_REVOCATION_STORE: `${redis.url}/0?password=${SECRET}` } });
  running = await startServer(config, { logDestination: { write: (line: string) => void lines.push(line) } });
}, 60_000);
afterAll(async () => {
  await running?.close();
  await redis?.stop();
});

describe('serve with a Redis URL whose password is a query parameter', () => {
  it('connects with it, and the listening line shows it masked', () => {
    const listening = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'listening');
    expect(listening?.revocation).toBe(`${redis!.url}/0?password=***`);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
