import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { pino } from 'pino';
import type { MtlsPopConfig } from '../config/index.js';
import { ConfigError, missingFiles, redactUrl } from '../config/index.js';
import { ClientRegistry, KeyStore } from '../issuer/index.js';
import { createApp, SAMPLE_API_PATH, SAMPLE_API_SCOPE } from './app.js';
import { serveOptionProblems } from './app-options.js';
import { gracefulClose, listen } from './lifecycle.js';
import { openRevocationStore } from './revocation.js';
import { prepareFiles, type ResolvedFiles } from './state.js';
import { createMetrics, startMetricsServer } from './metrics.js';

export interface StartOptions {
  /** Folder relative paths are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /** Where the JSON logs go. Default stdout. */
  logDestination?: DestinationStream;
  /** Most milliseconds in-flight requests get on shutdown. Default 10000. */
  shutdownGraceMs?: number;
}

/** A running `serve`: where it listens, what it is, and how to stop it. */
export interface RunningServer {
  mode: MtlsPopConfig['mode'];
  /** `https://localhost:<port>` in tls mode, `http://<host>:<port>` behind a proxy. */
  url: string;
  port: number;
  issuer: string;
  /** Base URL of the token endpoint clients present certificates to. */
  mtlsBase: string;
  /** `http://<metrics.host>:<port>/metrics` when metrics.enabled, else undefined. */
  metricsUrl: string | undefined;
  /** Full URL of the sample API as clients reach it. */
  apiUrl: string;
  audience: string;
  files: ResolvedFiles;
  server: Server;
  logger: PinoLogger;
  /** Graceful stop: stop accepting, finish in-flight requests, close sockets and the store. */
  close(): Promise<void>;
}

const LOCAL = new Set(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::']);

function hostForUrl(host: string, mode: MtlsPopConfig['mode']): string {
  // The development certificate names localhost; plain HTTP shows the address as it is.
  if (mode === 'tls' && LOCAL.has(host)) return 'localhost';
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** `https://as.example.com` -> `https://mtls.as.example.com`: the template's default alias host. */
function defaultAlias(issuer: string): string {
  const url = new URL(issuer);
  url.hostname = `mtls.${url.hostname}`;
  return url.origin;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * Starts the product from a validated configuration: prepares the state folder, then listens
 * (https with client certificates in tls mode, plain http behind a proxy) on the configured
 * port (0 picks a free one) and serves the authorization server and the sample API.
 */
export async function startServer(config: MtlsPopConfig, options: StartOptions = {}): Promise<RunningServer> {
  const cwd = options.cwd ?? process.cwd();
  const logger = pino({ name: 'mtls-pop', level: config.log.level, timestamp: pino.stdTimeFunctions.isoTime }, options.logDestination);
  // Exactly what `mtls-pop config check` runs, so that the two never disagree.
  const problems = [...missingFiles(config, cwd), ...serveOptionProblems(config)];
  if (problems.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', problems);
  const files = await prepareFiles(config, cwd);
  for (const file of files.created) logger.info({ file }, 'created development file');

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    if (handler) handler(req, res);
    else res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"temporarily_unavailable"}');
  };
  const server: Server = config.mode === 'tls'
    ? createHttpsServer({
        cert: readText(files.tlsCertificate, 'tls.certificate'),
        key: readText(files.tlsKey, 'tls.key'),
        ca: readText(files.clientCa, 'tls.clientCa'),
        // RFC 8705 section 2: the authorization server authenticates the client itself (chain and
        // subject per client), and the API checks the binding; the handshake only asks.
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      }, dispatch)
    : createHttpServer(dispatch);
  // A TLS 1.2 renegotiation could swap the client certificate mid-connection: refuse it.
  if (config.mode === 'tls') server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  let port: number;
  try {
    port = await listen(server, config.listen.host, config.listen.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ': the port is taken; choose another with --port or MTLS_POP_PORT (0 picks a free one)'
      : code === 'EACCES' ? ': not allowed to bind there (ports below 1024 need privileges)'
      : code === 'EADDRNOTAVAIL' ? ': no such local address' : '';
    throw new Error(`listen.port: cannot listen on ${config.listen.host}:${config.listen.port}${hint}${hint ? '' : `: ${(error as Error).message}`}`);
  }
  const url = `${config.mode === 'tls' ? 'https' : 'http'}://${hostForUrl(config.listen.host, config.mode)}:${port}`;
  const issuer = config.issuer.url.replace(/\/+$/, '') || url;
  const alias = config.issuer.mtlsUrl ? new URL(config.issuer.mtlsUrl).origin : config.mode === 'behind-proxy' ? defaultAlias(issuer) : undefined;
  const audience = config.api.audience || `${issuer}/api`;

  let revocations: Awaited<ReturnType<typeof openRevocationStore>> | undefined;
  let keys: KeyStore | undefined;
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  try {
    // Metrics on a listener of their own: the public port never serves them.
    const metrics = config.metrics.enabled ? createMetrics() : undefined;
    if (metrics) {
      const started = await startMetricsServer(metrics, config.metrics);
      metricsServer = started.server;
      metricsUrl = `http://${hostForUrl(config.metrics.host, 'behind-proxy')}:${started.port}/metrics`;
    }
    // Watching the shared key file: a rotation by 'mtls-pop keys rotate' (or any holder of the file) reaches this instance in seconds.
    keys = await KeyStore.generate({ file: files.keyFile, algorithm: config.issuer.signingAlgorithm, retainSeconds: config.issuer.keyRetention, watch: true, logger });
    const clients = await ClientRegistry.fromFile(files.clientsFile);
    revocations = await openRevocationStore(config.revocation.store, logger);
    const app = createApp({
      config,
      issuer,
      mtlsBaseUrl: alias,
      audience,
      keys,
      clients,
      revocations: revocations.store,
      trustAnchors: readText(files.trustAnchors, 'trust.anchors'),
      intermediates: files.intermediates ? readText(files.intermediates, 'trust.intermediates') : undefined,
      crlFiles: files.crlFiles,
      logger,
      ...(metrics ? { onEvent: metrics.onEvent } : {}),
    });
    handler = app;
  } catch (error) {
    server.close();
    server.closeAllConnections();
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    keys?.close();
    await revocations?.close();
    throw error;
  }
  const mtlsBase = alias ?? issuer;
  logger.info({ mode: config.mode, url, issuer, mtlsBase, revocation: redactUrl(config.revocation.store), ...(metricsUrl ? { metrics: metricsUrl } : {}) }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    mode: config.mode,
    url,
    port,
    issuer,
    mtlsBase,
    metricsUrl,
    apiUrl: `${mtlsBase}${SAMPLE_API_PATH}`,
    audience,
    files,
    server,
    logger,
    close() {
      closing ??= (async () => {
        logger.info({}, 'shutting down: finishing in-flight requests');
        await gracefulClose(server, options.shutdownGraceMs);
        if (metricsServer) {
          metricsServer.closeAllConnections();
          await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        }
        keys?.close();
        await revocations?.close();
        logger.info({}, 'stopped');
      })();
      return closing;
    },
  };
}

export { SAMPLE_API_SCOPE };
