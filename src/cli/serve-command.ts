import { startServer } from '../server/start.js';
import { banner } from '../server/banner.js';
import { SAMPLE_API_SCOPE } from '../server/app.js';
import { integerOption, parse, stringOption } from './args.js';
import { configFromArgs } from './config-command.js';
import type { Command } from './io.js';

const HELP = `Usage: mtls-pop serve [--config FILE] [--behind-proxy] [--port N] [--host ADDRESS]

Runs the authorization server (token, introspection, revocation, JWKS, RFC 8414 metadata) and a
sample protected API (GET /api/hello, scope ${SAMPLE_API_SCOPE}) in one process.

Default (mode tls): Node terminates mutual TLS itself on https://localhost:8443. On first start
a development CA, a server certificate for localhost, a demo client certificate, a signing key
and a client registry are created in the state folder (.mtls-pop/) and reused afterwards.

--behind-proxy: plain HTTP on loopback behind nginx, Apache httpd or IIS, which terminate TLS
and forward the client certificate in a header believed only from proxy.trustedProxies.

Options:
  --config FILE     JSON configuration (see 'mtls-pop config print --schema')
  --behind-proxy    mode behind-proxy (needs proxy.trustedProxies and issuer.url)
  --port N          listen port (0 picks a free one; the real one is printed)
  --host ADDRESS    listen address
  -h, --help        this help

Logs are JSON lines on stdout; the start banner goes to stderr. SIGTERM or SIGINT stop it
gracefully: no new connections, in-flight requests finish, then exit 0.
`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the authorization server and the sample API (default: embedded mTLS)',
  help: HELP,
  async run(argv, io) {
    const parsed = parse(argv, { config: { type: 'string' }, 'behind-proxy': { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } }, 0);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const overrides: Record<string, unknown> = {};
    const port = integerOption(parsed, 'port', 0, 65535);
    if (port !== undefined) overrides['listen.port'] = port;
    const host = stringOption(parsed, 'host');
    if (host !== undefined) overrides['listen.host'] = host;
    const config = configFromArgs(parsed, io, overrides);
    const running = await startServer(config, { cwd: io.cwd });
    io.stderr(banner({
      mode: running.mode,
      listenUrl: running.url,
      issuer: running.issuer,
      mtlsBase: running.mtlsBase,
      stateDir: running.files.stateDir,
      apiUrl: running.apiUrl,
      cwd: io.cwd,
      demo: running.mode === 'tls' && running.files.demoClient ? {
        ca: running.files.clientCa,
        certificate: running.files.demoClient.certificate,
        key: running.files.demoClient.key,
        clientId: running.files.demoClient.clientId,
        scope: SAMPLE_API_SCOPE,
      } : undefined,
    }));

    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        running.logger.info({ signal }, 'signal received');
        void running.close().then(resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    return 0;
  },
};
