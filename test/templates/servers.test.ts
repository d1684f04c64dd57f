/**
 * test/helpers/servers.ts, the real-server runner other tests reuse: it starts a server in the
 * foreground, reports its logs when it cannot start, and stop() leaves no process behind.
 */
import { describe, expect, it } from '@jest/globals';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startApache, startCaddy, startHaproxy, startNginx, testNginxConfig } from '../helpers/servers.js';
import { serverFiles } from './harness.js';
import { pkiPath } from '../helpers/fixtures.js';

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

describe.each([['nginx', startNginx], ['apache', startApache], ['haproxy', startHaproxy], ['caddy', startCaddy]] as const)('start%s(options)', (kind, start) => {
  (serverAvailable(kind) ? it : it.skip)('runs the rendered config in the foreground, and stop() kills it by pid', async () => {
    const port = await freePort();
    const files = serverFiles(kind);
    const config = renderTemplate(kind, {
      serverName: 'as.localhost', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:9',
      certificate: pkiPath('server.pem'), certificateKey: pkiPath('server.key'), clientCa: pkiPath('ca-bundle.pem'), ...files.values,
      ...(kind === 'haproxy' ? { mtlsListen: `127.0.0.1:${await freePort()}` } : {}),
    }, { standalone: true });
    try {
      const server = await start({ config, port });
      expect(alive(server.pid)).toBe(true);
      await server.stop();
      expect(alive(server.pid)).toBe(false);
    } finally {
      files.remove();
    }
  });

  (serverAvailable(kind) ? it : it.skip)('rejects with the server\'s own logs when the config is broken', async () => {
    const port = await freePort();
    await expect(start({ config: 'this is not a configuration;\n', port, timeoutMs: 3000 })).rejects.toThrow(/did not start[\s\S]*stdout\/stderr/);
  });
});

describe('testNginxConfig(config)', () => {
  (serverAvailable('nginx') ? it : it.skip)('reports a broken config with nginx\'s message', () => {
    expect(testNginxConfig('events {}\nhttp { server { listen 1 ssl; bogus_directive on; } }\n')).toMatchObject({ ok: false, output: expect.stringContaining('bogus_directive') });
  });
});
