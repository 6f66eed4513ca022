import pino from 'pino';

/** The subset of pino's API the server uses; tests pass `silentLogger`. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  return pino({ level: options.level ?? 'info', base: { service: 'drawbridge' } });
}

export const silentLogger: Logger = pino({ level: 'silent' });
