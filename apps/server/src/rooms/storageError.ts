import { ErrorCode, ProtocolError } from '@drawbridge/protocol';
import { withTimeout } from '../withTimeout.js';

/** Why a wait on storage was given up (`withTimeout`'s `what`). */
export const NO_ANSWER = 'storage did not answer';

/** Throws the retryable `STORAGE_ERROR` a client is answered with, `cause` kept for the log. */
export function storageError(message: string, cause: unknown): never {
  throw new ProtocolError(ErrorCode.STORAGE_ERROR, message, { cause });
}

/** `storageError` for an update that could not be stored (a rejection handler). */
export const updateNotStored = (cause: unknown): never =>
  storageError('the update could not be stored', cause);

/**
 * `durable`, or once `ms` pass without storage answering, the retryable `STORAGE_ERROR` "not
 * stored yet" (PROTOCOL.md §4.2): the change stays applied and its commit goes on, but its
 * client hears before its ack timeout. Other failures of storage are `STORAGE_ERROR` too.
 */
export function storedWithin(durable: Promise<void>, ms: number): Promise<void> {
  const stored = durable.catch((error: unknown) => {
    if (error instanceof ProtocolError) throw error;
    return updateNotStored(error);
  });
  return withTimeout(stored, ms, NO_ANSWER).catch((error: unknown) => {
    if (error instanceof ProtocolError) throw error;
    return storageError('the update is not stored yet', error);
  });
}
