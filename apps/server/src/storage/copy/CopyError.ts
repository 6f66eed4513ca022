/** A copy that cannot go ahead, in words an operator acts on; nothing was written. */
export class CopyError extends Error {
  override readonly name = 'CopyError';
}
