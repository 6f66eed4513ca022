import { findMissingDependency, type ScannedUpdate, scanUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { concatUpdates, type ScannedPart } from '../concatUpdates.js';

/** Updates merged into one, and the merged update's state vector. */
export interface MergedParts {
  update: Uint8Array;
  stateVector: Uint8Array;
}

/**
 * Updates merged into one: laid end to end (`concatUpdates`) when each client's structs across
 * them follow on one another, which is what a board's stored records and a kept encoding with
 * the updates integrated since are; else by `Y.mergeUpdates`. Yjs merges many parts by sorting
 * its readers again at every struct: 1,500 small edits onto an empty board took 43-62 ms, and
 * 3,000 onto a 1.3 MB board 140-169 ms, against 5-13 ms and 27-28 ms scanned and laid end to
 * end (the same bytes). The state vector then comes from the scans, not from decoding the
 * result again. Parts that do not scan (another encoding, damage) go to Yjs as before.
 */
export function mergeParts(parts: readonly Uint8Array[]): MergedParts {
  const scanned = scanAll(parts);
  if (!scanned) return byYjs(parts);
  const update = concatUpdates(scanned);
  if (!update) return byYjs(parts);
  return { update, stateVector: stateVectorOf(scanned) };
}

/**
 * A board's stored records (or snapshot) as one update for cold joins, with its state vector:
 * as `mergeParts`, but null unless an empty document integrates all of it. Stored content can
 * wait for something missing (records after a gap in a client's clocks, a damaged record):
 * a joiner could not integrate it either, and would send it back at every join; the board's
 * load answers those joins instead (`FullState` leaves such content out). Scanning costs no
 * more than the state vector Yjs would read (10,000 shapes, 1.8 MB: 32-54 ms against 52-74 ms).
 */
export function storedAnswer(parts: readonly Uint8Array[]): MergedParts | null {
  const scanned = scanAll(parts);
  if (!scanned) return null;
  const update = parts.length === 1 ? parts[0]! : concatUpdates(scanned);
  if (!update || !selfContained(scanned)) return null;
  return { update, stateVector: stateVectorOf(scanned) };
}

/**
 * Whether scans that `concatUpdates` joined integrate whole into an empty document: every
 * client starts at clock 0, and every origin, parent and deletion is within what they carry.
 */
function selfContained(scanned: readonly ScannedPart[]): boolean {
  const joined: ScannedUpdate = { structs: [], dependencies: [], deletes: [], structCount: 0 };
  const ranges = new Map<number, ScannedUpdate['structs'][number]>();
  for (const { scan } of scanned) {
    for (const range of scan.structs) {
      if (range.count === 0) continue;
      const known = ranges.get(range.client);
      ranges.set(range.client, known ? { ...known, end: range.end } : range);
    }
    // One by one: a large board's scan has more entries than a spread call may take.
    for (const dependency of scan.dependencies) joined.dependencies.push(dependency);
    for (const range of scan.deletes) joined.deletes.push(range);
  }
  joined.structs = [...ranges.values()];
  return findMissingDependency(joined, () => 0, { cycles: false }) === null;
}

/** Each part with its scan; null if one does not scan (another encoding, damage, a Skip). */
function scanAll(parts: readonly Uint8Array[]): ScannedPart[] | null {
  const scanned: ScannedPart[] = [];
  for (const update of parts) {
    try {
      scanned.push({ update, scan: scanUpdate(update) });
    } catch {
      return null;
    }
  }
  return scanned;
}

function byYjs(parts: readonly Uint8Array[]): MergedParts {
  const update = Y.mergeUpdates([...parts]);
  return { update, stateVector: Y.encodeStateVectorFromUpdate(update) };
}

/**
 * The state vector of scans that `concatUpdates` joined (each client's sections follow on one
 * another), as Yjs reads one from an update: a client counts up to its last clock, unless its
 * structs do not start at clock 0 (then Yjs leaves it out).
 */
function stateVectorOf(scanned: readonly { scan: ScannedUpdate }[]): Uint8Array {
  const first = new Map<number, number>();
  const state = new Map<number, number>();
  for (const { scan } of scanned) {
    for (const { client, start, end, count } of scan.structs) {
      if (count === 0) continue;
      if (!first.has(client)) first.set(client, start);
      state.set(client, end);
    }
  }
  for (const [client, start] of first) if (start !== 0) state.delete(client);
  return Y.encodeStateVector(state);
}
