import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemoFlow } from '../../src/server/demo-flow.js';
import { startDemoStack, type DemoStack } from '../../src/server/demo-stack.js';
import { needing, serverAvailable, startApache, startNginx, withServerLogs } from '../helpers/servers.js';

// The same flow `npm run demo` prints, against each real web server.
describe.each([
  ['nginx', startNginx],
  ['apache', startApache],
] as const)('the demo flow through real %s in front of serve --behind-proxy', (kind, start) => {
  const available = serverAvailable(kind);
  let stack: DemoStack | undefined;

  beforeAll(async () => {
    if (!available) return;
    stack = await startDemoStack({ kind, stateDir: mkdtempSync(join(tmpdir(), `mtls-pop-demo-${kind}-`)), startWebServer: start });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  (available ? it : it.skip)(needing(kind, 'passes every step: bound token via the mTLS alias, 200 same certificate, 401 another, forged headers refused'), async () => {
    await withServerLogs([stack && { ...stack.web, kind, port: stack.target.port, prefix: '', stop: async () => {} }], async () => {
      const steps = await runDemoFlow(stack!.target, stack!.files);
      expect(steps.filter((step) => !step.ok)).toEqual([]);
      expect(steps).toHaveLength(7);
    });
  }, 60_000);
});
