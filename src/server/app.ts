import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger as PinoLogger } from 'pino';
import type { MtlsPopConfig } from '../config/index.js';
import { schema } from '../config/schema.js';
import type { Logger } from '../log.js';
import { authorizationServer, type ClientRegistry, type KeyStore, type RevocationStore } from '../issuer/index.js';
import { OAuthError } from '../oauth/errors.js';
import { clientCertificate, type ClientCertificateOptions } from '../proxy/middleware.js';
import { requireCertificateBoundToken, requireScope } from '../resource/index.js';
import { requestAwareLogger } from './request-context.js';
import { requestLog } from './request-log.js';

/** The scope the sample API asks for. */
export const SAMPLE_API_SCOPE = 'api:read';
/** Where the sample API lives. */
export const SAMPLE_API_PATH = '/api/hello';

export interface AppParts {
  config: MtlsPopConfig;
  /** The issuer identifier (RFC 8414 section 2). */
  issuer: string;
  /** RFC 8705 section 5 alias origin, when the token endpoint lives on another host. */
  mtlsBaseUrl: string | undefined;
  /** The `aud` the sample API accepts, and the default `resource` of tokens (RFC 8707). */
  audience: string;
  keys: KeyStore;
  clients: ClientRegistry;
  revocations: RevocationStore;
  trustAnchors: string;
  intermediates: string | undefined;
  logger: PinoLogger;
}

function certificateMiddleware(config: MtlsPopConfig, logger: Logger): RequestHandler {
  if (config.mode === 'tls') return clientCertificate({ source: 'tls', logger });
  const proxy = config.proxy;
  return clientCertificate({
    source: 'header',
    trustedProxies: proxy.trustedProxies,
    allowUnixSocket: proxy.allowUnixSocket,
    ...forwardingHeaders(proxy),
    requireVerified: proxy.requireVerified,
    untrusted: proxy.untrusted,
    maxHeaderLength: proxy.maxHeaderLength,
    cacheSize: config.cache.certificates,
    logger,
  });
}

/**
 * Header, format, chain and verify header: the keys as set, or with `proxy.preset` the preset,
 * overridden by each of those keys set to other than its default.
 */
export function forwardingHeaders(proxy: MtlsPopConfig['proxy']): ClientCertificateOptions {
  const defaults = schema.proxy;
  const setByUser = <K extends 'header' | 'chainHeader' | 'format' | 'verifyHeader'>(key: K): boolean =>
    proxy.preset === '' || proxy[key] !== defaults[key].default;
  return {
    ...(proxy.preset ? { preset: proxy.preset } : {}),
    ...(setByUser('header') ? { header: proxy.header } : {}),
    ...(proxy.chainHeader && setByUser('chainHeader') ? { chainHeader: proxy.chainHeader } : {}),
    ...(setByUser('format') ? { format: proxy.format } : {}),
    ...(proxy.verifyHeader && setByUser('verifyHeader') ? { verifyHeader: proxy.verifyHeader } : {}),
  };
}

/** The product: health check, authorization server, and a sample API that needs a bound token. */
export function createApp(parts: AppParts): Express {
  const { config } = parts;
  const logger = requestAwareLogger(parts.logger);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(requestLog(parts.logger));
  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok', mode: config.mode });
  });
  app.use(certificateMiddleware(config, logger));
  app.use(authorizationServer({
    issuer: parts.issuer,
    keys: parts.keys,
    clients: parts.clients,
    trustAnchors: parts.trustAnchors,
    ...(parts.intermediates ? { intermediates: parts.intermediates } : {}),
    ...(parts.mtlsBaseUrl ? { mtlsBaseUrl: parts.mtlsBaseUrl } : {}),
    accessTokenTtl: config.issuer.tokenLifetime,
    defaultResource: parts.audience,
    revocations: parts.revocations,
    logger,
  }));
  app.get(
    SAMPLE_API_PATH,
    requireCertificateBoundToken({
      // The KeyStore itself, not a snapshot: keys rotated into the shared file verify at once.
      jwks: parts.keys,
      issuer: parts.issuer,
      audience: parts.audience,
      algorithms: config.api.algorithms,
      cacheSize: config.cache.tokens,
      realm: 'mtls-pop sample API',
      // RFC 7009: the store the issuer writes revocations to (memory, or the shared Redis).
      revocations: parts.revocations,
      logger,
    }),
    requireScope(SAMPLE_API_SCOPE),
    (req, res) => {
      const auth = req.boundToken!;
      res.set('cache-control', 'no-store').json({
        message: `hello, ${String(auth.claims.client_id ?? auth.claims.sub)}`,
        client_id: auth.claims.client_id,
        scope: auth.scopes.join(' '),
        'x5t#S256': auth.certificate?.thumbprint,
        certificate_subject: auth.certificate?.subject,
      });
    },
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (error instanceof OAuthError) {
      res.status(error.status).json(error.toJSON());
      return;
    }
    // Body parser and similar client errors carry a 4xx status; anything else is ours.
    const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    logger[code === 500 ? 'error' : 'info']({ err: error instanceof Error ? { message: error.message, stack: code === 500 ? error.stack : undefined } : String(error) }, 'request failed');
    if (res.headersSent) return;
    res.status(code).json(code === 500 ? { error: 'server_error', error_description: 'internal error' } : { error: 'invalid_request', error_description: 'malformed request' });
  };
  app.use(onError);
  return app;
}
