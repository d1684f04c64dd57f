/**
 * A deployment for doctor to check: the app (clientCertificate + clientCertificateProbe) behind a
 * real web server started from a rendered template, optionally edited into a broken one.
 */
import 'reflect-metadata';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { clientCertificateProbe } from '../../src/proxy/probe.js';
import { createEchoApp } from '../../src/server/echo.js';
import { renderTemplate, type TemplateServer } from '../../src/templates/index.js';
import { runDoctor, type DoctorOptions, type DoctorReport } from '../../src/doctor/run.js';
import { freePort, startApache, startNginx, type RunningServer } from '../helpers/servers.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';
import { MTLS_SERVER_NAME, SERVER_NAME, templateValues } from '../templates/harness.js';

export const PROBE_SECRET = 'doctor-test-secret-0123456789';
/** Doctor connects from this address, so that the app, which trusts only the proxy's 127.0.0.1, sees an untrusted peer. */
export const DOCTOR_ADDRESS = '127.0.0.2';

export interface App {
  port: number;
  close(): Promise<void>;
}

/** The app as a user mounts it: the certificate middleware, then the probe. */
export async function startProbedApp(options: ClientCertificateOptions): Promise<App> {
  const app = express();
  app.use(clientCertificate({ logger: silent, ...options }));
  app.use(clientCertificateProbe({ secret: PROBE_SECRET, maxRequestsPerMinute: 10_000 }));
  app.use((_req, res) => { res.json({ hello: 'app' }); });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** `mtls-pop echo`'s app in place of the user's app: answers every request with the report. */
export async function startEchoApp(options: ClientCertificateOptions): Promise<App> {
  const server: Server = createServer(createEchoApp({ logger: silent, ...options }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const noop = (): void => undefined;
export const silent = { warn: noop, error: noop, info: noop, debug: noop } as unknown as NonNullable<ClientCertificateOptions['logger']>;

/** The app options that match each template, as the README tells users. */
export const APP_OPTIONS: Readonly<Record<'nginx' | 'apache', ClientCertificateOptions>> = {
  nginx: { trustedProxies: '127.0.0.1', header: 'x-ssl-client-cert', format: 'nginx', verifyHeader: 'x-ssl-client-verify' },
  apache: { trustedProxies: '127.0.0.1', header: 'x-ssl-client-cert', format: 'apache', verifyHeader: 'x-ssl-client-verify', chainHeader: 'x-ssl-client-cert-chain-' },
};

export interface Deployment {
  server: RunningServer;
  app: App;
  port: number;
  stop(): Promise<void>;
  doctor(overrides?: Partial<DoctorOptions>): Promise<DoctorReport>;
}

/**
 * Renders `kind`'s authorization-server template (two hosts on one port), applies `edit` to the
 * text (a deliberately broken variant), starts the server in front of a probed app.
 */
export async function deploy(kind: Extract<TemplateServer, 'nginx' | 'apache'>, options: { edit?: (config: string) => string; app?: ClientCertificateOptions; echo?: boolean } = {}): Promise<Deployment> {
  const app = await (options.echo ? startEchoApp : startProbedApp)(options.app ?? APP_OPTIONS[kind]);
  const port = await freePort();
  let config = renderTemplate(kind, templateValues(port, app.port), { standalone: true });
  if (options.edit) {
    const edited = options.edit(config);
    if (edited === config) throw new Error('the edit changed nothing: the template moved, update the broken variant');
    config = edited;
  }
  let server: RunningServer;
  try {
    server = await (kind === 'nginx' ? startNginx : startApache)({ config, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    server, app, port,
    async stop() {
      await server.stop();
      await app.close();
    },
    doctor: (overrides = {}) => runDoctor({
      mtlsUrl: `https://${MTLS_SERVER_NAME}:${port}/`,
      url: `https://${SERVER_NAME}:${port}/`,
      backendUrl: `http://127.0.0.1:${app.port}/`,
      addresses: { [MTLS_SERVER_NAME]: '127.0.0.1', [SERVER_NAME]: '127.0.0.1' },
      localAddress: DOCTOR_ADDRESS,
      cert: readPki('client-ec.pem'),
      key: readPki('client-ec.key'),
      ca: readPki('ca-bundle.pem'),
      probeSecret: PROBE_SECRET,
      ...overrides,
    }),
  };
}

/** The report's lines that are not PASS (SKIP included), for a readable failure. */
export const notPassing = (report: DoctorReport): string[] =>
  report.cases.filter((line) => line.status !== 'PASS').map((line) => `${line.status} ${line.id}: ${line.detail}${line.fix ? `\n  ${line.fix.join('\n  ')}` : ''}`);

export { pkiPath };
