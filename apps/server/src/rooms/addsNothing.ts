import { type DeleteRange, scanUpdate } from '@drawbridge/protocol';

/** Each client's deleted ranges, `[from, to)`, sorted and merged. */
export type DeletedRanges = Map<number, [number, number][]>;

/** The delete set of a scanned update, for `addsNothing`. */
export function deletedRanges(deletes: readonly DeleteRange[]): DeletedRanges {
  const byClient: DeletedRanges = new Map();
  for (const { client, clock, len } of deletes) {
    if (len === 0) continue;
    const ranges = byClient.get(client);
    if (ranges) ranges.push([clock, clock + len]);
    else byClient.set(client, [[clock, clock + len]]);
  }
  for (const [client, ranges] of byClient) {
    ranges.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const range of ranges) {
      const last = merged.at(-1);
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range);
    }
    byClient.set(client, merged);
  }
  return byClient;
}

/** True when `ranges` hold every clock of `range`. */
export function covered(ranges: DeletedRanges, { client, clock, len }: DeleteRange): boolean {
  if (len === 0) return true;
  const list = ranges.get(client);
  if (!list) return false;
  // The last range that starts at or before `clock`.
  let low = 0;
  let high = list.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (list[middle]![0] <= clock) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found >= 0 && list[found]![1] >= clock + len;
}

/**
 * True when `update` (a Yjs v1 update, encoded against a document's state vector) would bring
 * that document nothing, given that it holds the deletions `held`: the update holds no struct,
 * and deletes nothing `held` does not.
 */
export function addsNothing(update: Uint8Array, held: DeletedRanges): boolean {
  // A v1 update opens with its number of clients that have structs, a varUint: 0 is one byte.
  if (update[0] !== 0) return false;
  return scanUpdate(update).deletes.every((range) => covered(held, range));
}
