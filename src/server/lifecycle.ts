import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and resolves with the real port (config port 0 picks a free one). */
export function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Graceful shutdown: stop accepting, let in-flight requests finish (their responses carry
 * `Connection: close`), close idle keep-alive sockets at once, and force the rest after
 * `graceMs`. Resolves when the server has closed.
 */
export function gracefulClose(server: HttpServer, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    server.on('request', (_req, res: ServerResponse) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    const forced = setTimeout(() => server.closeAllConnections(), graceMs);
    forced.unref();
    // A request that ends later leaves its socket idle: close those as they appear.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.close(() => {
      clearTimeout(forced);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
