import { withoutPending } from '@drawbridge/protocol';
import * as Y from 'yjs';

/**
 * What the server lacks, by its state vector (PROTOCOL.md §5 step 3): every change made while
 * offline, in one update. Content the doc holds pending (its dependencies never arrived) is
 * left out: the server could not integrate it either, and would refuse the whole diff.
 */
export function joinDiff(doc: Y.Doc, serverState: Uint8Array): Uint8Array {
  return withoutPending(doc.store, () => Y.encodeStateAsUpdate(doc, serverState));
}

/**
 * Whether the join answer `diff` (what the server lacks, by state vector) holds anything the
 * server does not have. It always repeats the whole delete set, so a diff without structs is
 * news only when its deletions differ from the server's (a deletion made offline does not
 * advance the state vector). `serverUpdate` is the join's answer, which carries the server's.
 */
export function carriesNews(diff: Uint8Array, serverUpdate: Uint8Array): boolean {
  const mine = Y.decodeUpdate(diff);
  if (mine.structs.length > 0) return true;
  return !Y.equalDeleteSets(mine.ds, Y.decodeUpdate(serverUpdate).ds);
}
