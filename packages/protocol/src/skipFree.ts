import * as encoding from 'lib0/encoding';
import { type StructRun, scanUpdateRuns } from './yjsBinary.js';

/**
 * An update as updates without Skip structs, which together hold exactly its content.
 *
 * `Y.mergeUpdates` (and `Y.encodeStateAsUpdate` of a document holding pending structs) writes a
 * Skip where a client's clocks have a gap: a snapshot of a board whose stored content has one
 * (an append waiting for its retry while later ones committed, a damaged record) is such an
 * update. `scanUpdate` refuses Skips, as members never need to send them; stored bytes are
 * read through this instead. Part `i` holds each client's `i`-th run of structs between its
 * Skips: in the v1 encoding a struct does not depend on the bytes before it, so each run is
 * copied as it is, under a header naming its first clock. The delete set goes with the first
 * part. An update without Skips comes back as itself.
 *
 * Throws `BinaryFormatError` for anything else `scanUpdate` refuses.
 */
export function skipFreeParts(update: Uint8Array): Uint8Array[] {
  const { runs, deletesFrom, skips } = scanUpdateRuns(update);
  if (skips === 0) return [update];
  const layers: StructRun[][] = [];
  const depth = new Map<number, number>();
  for (const run of runs) {
    const i = depth.get(run.client) ?? 0;
    depth.set(run.client, i + 1);
    const layer = layers[i];
    if (layer) layer.push(run);
    else layers.push([run]);
  }
  if (layers.length === 0) layers.push([]);
  return layers.map((layer, i) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, layer.length);
    for (const { client, start, count, from, to } of layer) {
      encoding.writeVarUint(encoder, count);
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, start);
      encoding.writeUint8Array(encoder, update.subarray(from, to));
    }
    if (i === 0) encoding.writeUint8Array(encoder, update.subarray(deletesFrom));
    else encoding.writeVarUint(encoder, 0);
    return encoding.toUint8Array(encoder);
  });
}
