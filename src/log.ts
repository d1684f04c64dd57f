import { pino } from 'pino';

/**
 * The logging surface mtls-pop needs: pino's `(object, message)` calls. Any pino logger
 * (or a child of one carrying a request id) fits, and so does a test double.
 */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** A JSON logger on stdout; the level comes from `MTLS_POP_LOG_LEVEL` (default `info`). */
export function createLogger(level = process.env.MTLS_POP_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'mtls-pop', level });
}

let fallback: Logger | undefined;
/** The logger used when an option leaves it out. Created on first use. */
export function defaultLogger(): Logger {
  fallback ??= createLogger();
  return fallback;
}

/** The first and last few characters of a secret, for log lines that must never hold the whole. */
export function redact(secret: string): string {
  return secret.length <= 12 ? '[redacted]' : `${secret.slice(0, 4)}...${secret.slice(-4)}`;
}
