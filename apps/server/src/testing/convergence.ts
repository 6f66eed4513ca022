/**
 * The strictest convergence check we know, as Yjs's own `compare()`: for tests only. Equal state
 * vectors, equal delete sets, no pending structs or deletions anywhere, and equal content of
 * every root type.
 */
import { expect } from 'vitest';
import * as Y from 'yjs';

/** Every shared root type of `doc`, as JSON, keyed by name (map order does not matter). */
export function contentOf(doc: Y.Doc): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [name, type] of doc.share) {
    // A root read as the wrong type would throw; unknown roots are read as they were defined.
    content[name] = type instanceof Y.Text ? type.toDelta() : type.toJSON();
  }
  return content;
}

const stateVector = (doc: Y.Doc) =>
  Object.fromEntries(Y.decodeStateVector(Y.encodeStateVector(doc)));
const deleteSet = (doc: Y.Doc) => Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).ds;

/** Asserts that `docs` have converged. `names` label them in failures. */
export function expectConverged(docs: readonly Y.Doc[], names: readonly string[] = []): void {
  const label = (i: number) => names[i] ?? `doc ${i}`;
  const first = docs[0];
  if (!first) return;
  docs.forEach((doc, i) => {
    expect(doc.store.pendingStructs, `${label(i)} has pending structs`).toBeNull();
    expect(doc.store.pendingDs, `${label(i)} has pending deletions`).toBeNull();
    expect(stateVector(doc), `${label(i)} state vector`).toEqual(stateVector(first));
    expect(Y.equalDeleteSets(deleteSet(doc), deleteSet(first)), `${label(i)} delete set`).toBe(
      true,
    );
  });
  // Root types are created lazily per doc (an app may define roots it never wrote): an empty
  // root and a missing one are the same content.
  const isEmpty = (value: unknown) =>
    value === null ||
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && Object.keys(value as object).length === 0);
  const read = (doc: Y.Doc) =>
    Object.fromEntries(Object.entries(contentOf(doc)).filter(([, value]) => !isEmpty(value)));
  const expected = read(first);
  docs.forEach((doc, i) => {
    expect(read(doc), `${label(i)} content`).toEqual(expected);
  });
}
