import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/index.js';
import { DEMO_CLIENT, ensureDevelopmentPki, issueToFiles, pkiFiles } from '../pki/index.js';
import { renderTemplate } from '../templates/index.js';
import { SAMPLE_API_PATH, SAMPLE_API_SCOPE } from './app.js';
import type { DemoTarget } from './demo-flow.js';
import { startServer, type RunningServer } from './start.js';

/** What starts a web server: the test helpers' startNginx / startApache fit. */
export type WebServerStarter = (options: { config: string; port: number }) => Promise<{ pid: number; logs(): string; stop(): Promise<void> }>;

export interface DemoStackOptions {
  kind: 'nginx' | 'apache';
  stateDir: string;
  startWebServer: WebServerStarter;
  /** How many `serve --behind-proxy` instances share the template's upstream group (nginx or Apache). Default 1. */
  instances?: number;
  /** `'memory'` or a Redis URL shared by the instances. Default 'memory'. */
  revocationStore?: string;
  /** Where the instances' JSON logs go (one stream, or one per instance index). Default: discarded. */
  logDestination?: DestinationStream | ((instance: number) => DestinationStream);
}

export interface DemoStack {
  target: DemoTarget;
  files: { ca: string; certificate: string; key: string; otherCertificate: string; otherKey: string };
  issuer: string;
  apps: RunningServer[];
  web: { pid: number; logs(): string };
  /** The rendered web-server configuration. */
  webConfig: string;
  stop(): Promise<void>;
}

export const DEMO_HOSTS = { plain: 'as.localhost', mtls: 'mtls.as.localhost' } as const;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `serve --behind-proxy` instance(s) on free loopback ports, renders the shipped
 * template for `kind` in front of them (standalone, free high port, every instance in its
 * upstream group), and starts the web server.
 */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const stateDir = resolve(options.stateDir);
  const pki = await ensureDevelopmentPki(stateDir);
  const other = pkiFiles(pki.dir, 'demo-other-client');
  if (!existsSync(other.certificate)) {
    await issueToFiles(pki.dir, 'demo-other-client', { subject: 'O=mtls-pop development, CN=demo-other-client', profile: 'client', san: { dns: ['other.localhost'] }, force: true });
  }
  const webPort = await freePort();
  const issuer = `https://${DEMO_HOSTS.plain}:${webPort}`;
  const apps: RunningServer[] = [];
  let web: Awaited<ReturnType<WebServerStarter>> | undefined;
  const stop = async (): Promise<void> => {
    await web?.stop();
    await Promise.all(apps.map((app) => app.close()));
  };
  try {
    for (let index = 0; index < (options.instances ?? 1); index++) {
      const config = loadConfig({
        env: {},
        overrides: {
          mode: 'behind-proxy',
          stateDir,
          'listen.host': '127.0.0.1',
          'listen.port': 0,
          'proxy.trustedProxies': ['loopback'],
          'proxy.format': options.kind === 'nginx' ? 'nginx' : 'apache',
          'proxy.chainHeader': options.kind === 'nginx' ? '' : 'x-ssl-client-cert-chain-',
          'proxy.verifyHeader': 'x-ssl-client-verify',
          'issuer.url': issuer,
          'revocation.store': options.revocationStore ?? 'memory',
          'log.level': 'info',
        },
      });
      const destination = typeof options.logDestination === 'function' ? options.logDestination(index) : options.logDestination;
      apps.push(await startServer(config, { logDestination: destination ?? { write: () => true } }));
    }
    const webConfig = renderTemplate(options.kind, {
      serverName: DEMO_HOSTS.plain,
      mtlsServerName: DEMO_HOSTS.mtls,
      listen: `127.0.0.1:${webPort}`,
      upstream: apps.map((app) => `127.0.0.1:${app.port}`),
      certificate: pki.server.certificate,
      certificateKey: pki.server.key,
      clientCa: pki.ca.certificate,
    }, { standalone: true });
    web = await options.startWebServer({ config: webConfig, port: webPort });
    const read = (file: string): string => readFileSync(file, 'utf8');
    return {
      target: {
        port: webPort,
        plainHost: DEMO_HOSTS.plain,
        mtlsHost: DEMO_HOSTS.mtls,
        ca: read(pki.ca.certificate),
        client: { id: DEMO_CLIENT.id, certificate: read(pki.client.certificate), key: read(pki.client.key), scope: SAMPLE_API_SCOPE },
        other: { certificate: read(other.certificate), key: read(other.key) },
        apiPath: SAMPLE_API_PATH,
      },
      files: { ca: pki.ca.certificate, certificate: pki.client.certificate, key: pki.client.key, otherCertificate: other.certificate, otherKey: other.key },
      issuer,
      apps,
      web,
      webConfig,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
