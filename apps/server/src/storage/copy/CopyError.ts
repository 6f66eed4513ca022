/** A copy that cannot go ahead, in words an operator acts on; nothing was written. */
export class CopyError extends Error {
  override readonly name = 'CopyError';
}

/** A SQLite file's lock (`DataFileLock`) is held: a server runs on it, or another copy. */
export function fileInUseError(file: string, cause: unknown): CopyError {
  return new CopyError(
    `${file} is in use by a running Drawbridge server (or another copy): stop it first, then copy`,
    { cause },
  );
}

/** A source whose schema is not this version's: `what` is the file or the database. */
export function schemaVersionError(what: string, version: number, supported: number): CopyError {
  return new CopyError(
    version < supported
      ? `${what} has schema version ${version}, older than this version's ${supported}: start this version of Drawbridge on it once (that upgrades it), stop it, and copy again`
      : `${what} has schema version ${version}, newer than this version's ${supported}: copy it with the version of Drawbridge that wrote it`,
  );
}
