import pino, { type DestinationStream } from 'pino';

/** The subset of pino's API the server uses; tests pass `silentLogger`. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** `destination`: where lines go (default: stdout). */
export function createLogger(
  options: { level?: string; pretty?: boolean } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'drawbridge' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** Causes `messageWithCauses` follows, at most (a cycle of causes ends there). */
const MAX_CAUSES = 8;

/**
 * pino's error serializer, with a message that names each cause once. pino appends every
 * cause's message to the error's, and ours often carry it already (`storage commit failed:
 * database or disk is full`, with that error as the cause), which logged it twice.
 */
function serializeError(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error);
  if (err instanceof Error && serialized && typeof serialized === 'object') {
    serialized.message = messageWithCauses(err);
  }
  return serialized;
}

/** `err`'s message followed by each cause's, except a cause whose message the text already ends with. */
export function messageWithCauses(err: Error): string {
  let text = err.message;
  let cause: unknown = err.cause;
  for (let i = 0; i < MAX_CAUSES && cause instanceof Error; i++) {
    if (cause.message && !text.endsWith(cause.message)) text = `${text}: ${cause.message}`;
    cause = cause.cause;
  }
  return text;
}
