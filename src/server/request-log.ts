import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { requestContext } from './request-context.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id (also sent back as `X-Request-Id`). */
      id?: string;
      /** A child logger whose every line carries `reqId`. */
      log?: PinoLogger;
    }
  }
}

/**
 * Gives each request an id and a child logger, and writes one access line when the response
 * ends. The id is generated here, never taken from the client, so log lines cannot be forged.
 */
export function requestLog(logger: PinoLogger): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const id = randomUUID();
    const started = process.hrtime.bigint();
    req.id = id;
    req.log = logger.child({ reqId: id });
    res.setHeader('x-request-id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log!.info({
        method: req.method,
        // The path only: a query string may carry secrets.
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        peer: req.socket.remoteAddress,
        ...(req.clientCertificate ? { x5t: req.clientCertificate.thumbprint } : {}),
      }, 'request');
    });
    requestContext.run(id, next);
  };
}
