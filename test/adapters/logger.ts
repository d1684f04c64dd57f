import type { Logger } from '../../src/log.js';

export interface LoggedLine {
  level: string;
  object: Record<string, unknown>;
  message?: string;
}

/** A pino-style logger that keeps what it was given. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const record = (level: string) => (object: object, message?: string) => { lines.push({ level, object: object as Record<string, unknown>, message }); };
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}
