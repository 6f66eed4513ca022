import { ErrorCode, ProtocolError } from '@drawbridge/protocol';

/** Throws the retryable `STORAGE_ERROR` a client is answered with, `cause` kept for the log. */
export function storageError(message: string, cause: unknown): never {
  throw new ProtocolError(ErrorCode.STORAGE_ERROR, message, { cause });
}

/** `storageError` for an update that could not be stored (a rejection handler). */
export const updateNotStored = (cause: unknown): never =>
  storageError('the update could not be stored', cause);
