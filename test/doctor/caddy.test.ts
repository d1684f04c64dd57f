/**
 * `mtls-pop doctor` against the shipped Caddy template through the real Caddy: all PASS; and with
 * the certificate placeholder unguarded (Caddy sends its text when there is no certificate): FAIL
 * with Caddy's fix.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatReport } from '../../src/doctor/report.js';
import { runDoctor, type DoctorReport } from '../../src/doctor/run.js';
import { renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startCaddy, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { readPki } from '../helpers/fixtures.js';
import { MTLS_SERVER_NAME, SERVER_NAME, serverFiles, templateValues } from '../templates/harness.js';
import { DOCTOR_ADDRESS, notPassing, PROBE_SECRET, startProbedApp, type App } from './stack.js';

interface Deployed { server: RunningServer; app: App; report: DoctorReport; stop(): Promise<void> }

async function deployCaddy(edit?: (config: string) => string): Promise<Deployed> {
  const app = await startProbedApp({ preset: 'caddy', trustedProxies: '127.0.0.1' });
  const files = serverFiles('caddy');
  const port = await freePort();
  let server: RunningServer;
  try {
    let config = renderTemplate('caddy', { ...templateValues(port, app.port), ...files.values }, { standalone: true });
    if (edit) {
      const edited = edit(config);
      if (edited === config) throw new Error('the edit changed nothing: the template moved, update the broken variant');
      config = edited;
    }
    server = await startCaddy({ config, port });
  } catch (error) {
    await app.close();
    files.remove();
    throw error;
  }
  const stop = async (): Promise<void> => { await server.stop(); await app.close(); files.remove(); };
  try {
    const report = await runDoctor({
      mtlsUrl: `https://${MTLS_SERVER_NAME}:${port}/`, url: `https://${SERVER_NAME}:${port}/`, backendUrl: `http://127.0.0.1:${app.port}/`,
      addresses: { [MTLS_SERVER_NAME]: '127.0.0.1', [SERVER_NAME]: '127.0.0.1' }, localAddress: DOCTOR_ADDRESS,
      cert: readPki('client-ec.pem'), key: readPki('client-ec.key'), ca: readPki('ca-bundle.pem'), probeSecret: PROBE_SECRET,
    });
    if (process.env.DOCTOR_PRINT) console.log(formatReport(report));
    return { server, app, report, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The naive set-up the issue measured: header_up with the placeholder, no matcher. */
function unguarded(config: string): string {
  const guarded = /^(\s*)request_header @mtls_pop_certificate (\S+) (\{http\.request\.tls\.client\.certificate_der_base64\})\n/m.exec(config);
  if (!guarded) return config;
  const withoutGuard = config.replace(guarded[0], '');
  const at = withoutGuard.lastIndexOf('header_up X-Forwarded-Proto https');
  return `${withoutGuard.slice(0, at)}header_up ${guarded[2]} ${guarded[3]}\n\t\t\t${withoutGuard.slice(at)}`;
}

const describeIf = serverAvailable('caddy') ? describe : describe.skip;

describeIf('doctor against the shipped Caddy authorization-server template', () => {
  let deployed: Deployed | undefined;
  beforeAll(async () => { deployed = await deployCaddy(); });
  afterAll(async () => { await deployed?.stop(); });

  it('passes every check', async () => {
    await withServerLogs([deployed?.server], () => {
      expect(notPassing(deployed!.report)).toEqual([]);
    });
  });
});

describeIf("doctor against Caddy with the certificate placeholder unguarded", () => {
  let deployed: Deployed | undefined;
  beforeAll(async () => { deployed = await deployCaddy(unguarded); });
  afterAll(async () => { await deployed?.stop(); });

  it('reports the request without a certificate as FAIL, with the matcher fix', async () => {
    await withServerLogs([deployed?.server], () => {
      const { report } = deployed!;
      expect(report.ok).toBe(false);
      const line = report.cases.find((entry) => entry.id === 'no-certificate');
      expect(line?.status).toBe('FAIL');
      expect(line?.fix).toEqual(expect.arrayContaining([expect.stringMatching(/^caddy: Caddy sends the placeholder text literally.*certificate_der_base64\} != null/)]));
    });
  });
});
