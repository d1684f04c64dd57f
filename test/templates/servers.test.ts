/**
 * test/helpers/servers.ts, the real-server runner other tests reuse: it starts a server in the
 * foreground, reports its logs when it cannot start, and stop() leaves no process behind.
 */
import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, needing, rowsByServer, serverAvailable, serverBinary, startApache, startCaddy, startHaproxy, startNginx, testNginxConfig } from '../helpers/servers.js';
import { serverFiles } from './harness.js';
import { pkiPath } from '../helpers/fixtures.js';

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

describe.each([['nginx', startNginx], ['apache', startApache], ['haproxy', startHaproxy], ['caddy', startCaddy]] as const)('start%s(options)', (kind, start) => {
  (serverAvailable(kind) ? it : it.skip)(needing(kind, 'runs the rendered config in the foreground, and stop() kills it by pid'), async () => {
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

  (serverAvailable(kind) ? it : it.skip)(needing(kind, 'rejects with the server\'s own logs when the config is broken'), async () => {
    const port = await freePort();
    await expect(start({ config: 'this is not a configuration;\n', port, timeoutMs: 3000 })).rejects.toThrow(/did not start[\s\S]*stdout\/stderr/);
  });
});

describe('testNginxConfig(config)', () => {
  (serverAvailable('nginx') ? it : it.skip)(needing('nginx', 'reports a broken config with nginx\'s message'), () => {
    expect(testNginxConfig('events {}\nhttp { server { listen 1 ssl; bogus_directive on; } }\n')).toMatchObject({ ok: false, output: expect.stringContaining('bogus_directive') });
  });
});
describe('serverBinary(kind, env)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mtls-pop-path-'));
  const fake = (name: string, mode: number): string => {
    const file = join(folder, name);
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, mode);
    return file;
  };

  it('finds the server on PATH, before the sbin folders', () => {
    const nginx = fake('nginx', 0o755);
    const httpd = fake('httpd', 0o755);
    expect(serverBinary('nginx', { PATH: `/nonexistent${delimiter}${folder}` })).toBe(nginx);
    expect(serverBinary('apache', { PATH: folder })).toBe(httpd);
  });

  it('skips a file that is not executable, and relative PATH entries', () => {
    const other = mkdtempSync(join(tmpdir(), 'mtls-pop-path-'));
    writeFileSync(join(other, 'nginx'), '');
    chmodSync(join(other, 'nginx'), 0o644);
    expect(serverBinary('nginx', { PATH: other })).not.toBe(join(other, 'nginx'));
    expect(serverBinary('nginx', { PATH: '.' })).not.toBe('nginx');
  });

  it('acts as if a server were missing with MTLS_POP_TEST_HIDE_SERVERS', () => {
    expect(serverBinary('apache', { PATH: folder, MTLS_POP_TEST_HIDE_SERVERS: 'nginx,apache' })).toBeUndefined();
  });
});

describe('rowsByServer(rows, needs, at)', () => {
  it('keeps every row: the runnable ones, and the others marked as skipped in the named column', () => {
    const hidden = process.env.MTLS_POP_TEST_HIDE_SERVERS;
    const ci = process.env.CI;
    process.env.MTLS_POP_TEST_HIDE_SERVERS = 'apache';
    delete process.env.CI;
    try {
      const { run, skip } = rowsByServer([['a', 'app'], ['b', 'apache'], ['c', 'app']] as const, ([, target]) => (target === 'app' ? undefined : target), 1);
      expect(run).toEqual([['a', 'app'], ['c', 'app']]);
      expect(skip).toEqual([['b', 'apache (SKIPPED: apache is not installed)']]);
    } finally {
      if (hidden === undefined) delete process.env.MTLS_POP_TEST_HIDE_SERVERS;
      else process.env.MTLS_POP_TEST_HIDE_SERVERS = hidden;
      if (ci !== undefined) process.env.CI = ci;
    }
  });
});
