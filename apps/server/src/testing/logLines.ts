import { createLogger, type Logger } from '../logger.js';

/** A parsed log line. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** pino's level numbers. */
export const LOG_LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** The server's own logger (serializers included), writing parsed lines to `lines`. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}
