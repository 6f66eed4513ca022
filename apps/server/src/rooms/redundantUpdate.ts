import { type DeleteRange, holdsPending, type ScannedUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';

type StructStore = Y.Doc['store'];

/**
 * True when applying a scanned update would change nothing in `doc`: the document holds every
 * struct the update carries and has already deleted everything it deletes. A client that
 * rejoins after an ordinary drop sends what the server may lack, which is then nothing new but
 * its delete set (a whole state, for some clients); Yjs would decode every struct of it and
 * walk every deletion to find that out. This answers from the scan, with a binary search per
 * deleted range.
 */
export function bringsNothingNew(scan: ScannedUpdate, doc: Y.Doc): boolean {
  const store = doc.store;
  if (holdsPending(store)) return false;
  for (const range of scan.structs) {
    if (range.end > Y.getState(store, range.client)) return false;
  }
  for (const range of scan.deletes) {
    if (!allDeleted(store, range)) return false;
  }
  return true;
}

/**
 * True when every client's structs in the update start exactly at the document's clock for that
 * client: none of them is already there. With the dependency check passed, the document then
 * integrates the whole update, so the update is exactly what it integrated (deletions of content
 * already deleted included, which change nothing wherever they are applied).
 */
export function continuesExactly(scan: ScannedUpdate, store: StructStore): boolean {
  if (holdsPending(store)) return false;
  for (const range of scan.structs) {
    if (range.start !== Y.getState(store, range.client)) return false;
  }
  return true;
}

function allDeleted(store: StructStore, { client, clock, len }: DeleteRange): boolean {
  if (len <= 0) return true;
  const end = clock + len;
  // A deletion of content the document lacks is news (or a missing dependency).
  if (end > Y.getState(store, client)) return false;
  const structs = store.clients.get(client);
  if (!structs) return false;
  // A client's structs cover its clocks from 0 without gaps (deleted content stays as GC).
  for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
    const struct = structs[i]!;
    if (struct.id.clock >= end) break;
    if (!struct.deleted) return false;
  }
  return true;
}
