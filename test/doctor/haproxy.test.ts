/**
 * `mtls-pop doctor` against the shipped HAProxy template (the mTLS alias on a listener of its own),
 * through the real HAProxy: all PASS; and without its `del-header` rules: FAIL with HAProxy's fix.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderTemplate } from '../../src/templates/index.js';
import { formatReport } from '../../src/doctor/report.js';
import { runDoctor, type DoctorReport } from '../../src/doctor/run.js';
import { freePort, serverAvailable, startHaproxy, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { readPki } from '../helpers/fixtures.js';
import { MTLS_SERVER_NAME, SERVER_NAME, serverFiles, templateValues } from '../templates/harness.js';
import { DOCTOR_ADDRESS, notPassing, PROBE_SECRET, startProbedApp, type App } from './stack.js';

interface Deployed { server: RunningServer; app: App; report: DoctorReport; stop(): Promise<void> }

async function deployHaproxy(edit?: (config: string) => string): Promise<Deployed> {
  const app = await startProbedApp({ preset: 'haproxy', trustedProxies: '127.0.0.1' });
  const files = serverFiles('haproxy');
  const port = await freePort();
  const mtlsPort = await freePort();
  let server: RunningServer;
  try {
    let config = renderTemplate('haproxy', { ...templateValues(port, app.port), ...files.values, mtlsListen: `127.0.0.1:${mtlsPort}` }, { standalone: true });
    if (edit) {
      const edited = edit(config);
      if (edited === config) throw new Error('the edit changed nothing: the template moved, update the broken variant');
      config = edited;
    }
    server = await startHaproxy({ config, port });
  } catch (error) {
    await app.close();
    files.remove();
    throw error;
  }
  const stop = async (): Promise<void> => { await server.stop(); await app.close(); files.remove(); };
  const report = await runDoctor({
    mtlsUrl: `https://${MTLS_SERVER_NAME}:${mtlsPort}/`, url: `https://${SERVER_NAME}:${port}/`, backendUrl: `http://127.0.0.1:${app.port}/`,
    addresses: { [MTLS_SERVER_NAME]: '127.0.0.1', [SERVER_NAME]: '127.0.0.1' }, localAddress: DOCTOR_ADDRESS,
    cert: readPki('client-ec.pem'), key: readPki('client-ec.key'), ca: readPki('ca-bundle.pem'), probeSecret: PROBE_SECRET, proxy: 'haproxy',
  });
  if (process.env.DOCTOR_PRINT) console.log(formatReport(report));
  return { server, app, report, stop };
}

const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

describeIf('doctor against the shipped HAProxy authorization-server template', () => {
  let deployed: Deployed | undefined;
  beforeAll(async () => { deployed = await deployHaproxy(); });
  afterAll(async () => { await deployed?.stop(); });

  it('passes every check', async () => {
    await withServerLogs([deployed?.server], () => {
      expect(notPassing(deployed!.report)).toEqual([]);
    });
  });
});

describeIf('doctor against HAProxy without its del-header rules', () => {
  let deployed: Deployed | undefined;
  beforeAll(async () => { deployed = await deployHaproxy((config) => config.replace(/^\s*http-request del-header .*\n/gm, '')); });
  afterAll(async () => { await deployed?.stop(); });

  it('reports the forged headers without a certificate as FAIL, with the del-header fix', async () => {
    await withServerLogs([deployed?.server], () => {
      const { report } = deployed!;
      expect(report.ok).toBe(false);
      const failing = report.cases.filter((line) => line.status === 'FAIL');
      expect(failing.map((line) => line.id)).toEqual(expect.arrayContaining(['forged/mtls/lower-case/without-certificate', 'forged/plain/lower-case/with-certificate']));
      for (const line of failing) expect(line.fix).toEqual(expect.arrayContaining([expect.stringMatching(/^haproxy: .*(del-header|deny)/)]));
    });
  });
});
