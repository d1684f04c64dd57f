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
gracefully: no new connections, in-flight requests finish, then exit 0. Under an npm script
('npm start'), it also stops so when the shell npm started it with exits (SIGTERM to npm).
`;

/**
 * Under `npm start` (any npm script) this process is the child of the shell npm runs the script
 * with. npm passes SIGTERM on to that shell only, and Debian's sh (dash) exits without passing it
 * to us: the server would go on holding its port. So under an npm script, stop as on SIGTERM once
 * that parent is gone (this process was re-parented). Run directly, nothing is watched.
 */
function whenScriptShellExits(env: NodeJS.ProcessEnv, parent: number, stop: () => void): () => void {
  if (env.npm_lifecycle_event === undefined) return () => undefined;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the authorization server and the sample API (default: embedded mTLS)',
  help: HELP,
  async run(argv, io) {
    // Read before the (possibly slow) start: a shell that exits meanwhile is noticed too.
    const parent = process.ppid;
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
      let unwatch = (): void => undefined;
      const stop = (signal: NodeJS.Signals | 'parent exited'): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        unwatch();
        running.logger.info({ signal }, 'signal received');
        void running.close().then(resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      unwatch = whenScriptShellExits(io.env, parent, () => stop('parent exited'));
    });
    return 0;
  },
};
