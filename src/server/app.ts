import express, { type ErrorRequestHandler, type Express } from 'express';
import type { MtlsPopEventListener } from '../events/index.js';
import helmet from 'helmet';
import type { Logger as PinoLogger } from 'pino';
import type { MtlsPopConfig } from '../config/index.js';
import { authorizationServer, type AuthorizationServerOptions, type ClientRegistry, type KeyStore, type RevocationStore } from '../issuer/index.js';
import { OAuthError } from '../oauth/errors.js';
import { clientCertificate } from '../proxy/middleware.js';
import { requireCertificateBoundToken, requireScope } from '../resource/index.js';
import { certificateOptions, sampleApiOptions } from './app-options.js';
import { requestAwareLogger } from './request-context.js';
import { requestLog } from './request-log.js';

export { forwardingHeaders } from './app-options.js';

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
  /** CRL files (trust.crlFiles) resolved to absolute paths. Default: none. */
  crlFiles?: readonly string[];
  logger: PinoLogger;
  /** The metrics hook (`createMetrics().onEvent`), given to every part. Default: none. */
  onEvent?: MtlsPopEventListener;
}

/** trust.crlFiles / crlDistributionPoints / ocsp as `authorizationServer`'s certificateRevocation; nothing when none is on. */
function certificateRevocation(config: MtlsPopConfig, crlFiles: readonly string[]): Pick<AuthorizationServerOptions, 'certificateRevocation'> {
  const trust = config.trust;
  if (crlFiles.length === 0 && !trust.crlDistributionPoints && !trust.ocsp) return {};
  return {
    certificateRevocation: {
      crlFiles, crlDistributionPoints: trust.crlDistributionPoints, ocsp: trust.ocsp,
      ...(trust.ocspResponder ? { ocspResponder: trust.ocspResponder } : {}),
      mode: trust.revocationMode, scope: trust.revocationScope, timeoutMs: Math.max(1, trust.revocationTimeout),
    },
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
  const events = parts.onEvent ? { onEvent: parts.onEvent } : {};
  app.use(clientCertificate({ ...certificateOptions(config, logger), ...events }));
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
    ...certificateRevocation(config, parts.crlFiles ?? []),
    logger,
    ...events,
  }));
  app.get(
    SAMPLE_API_PATH,
    requireCertificateBoundToken({ ...sampleApiOptions(config, { jwks: parts.keys, issuer: parts.issuer, audience: parts.audience, revocations: parts.revocations, logger }), ...events }),
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
