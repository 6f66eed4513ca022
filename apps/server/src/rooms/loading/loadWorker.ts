/**
 * The board loader's worker thread: decodes a large stored board (scanned like a client's
 * bytes), then cuts it into slices the event loop can apply a few at a time, and encodes the
 * whole state once for the cold joins that will follow. It also scans and slices members' large
 * updates, and writes and reads board files (export and import).
 */
import {
  BinaryFormatError,
  furthestNeeds,
  holdsPending,
  type ScannedUpdate,
  scanUpdate,
  skipFreeParts,
} from '@drawbridge/protocol';
import * as Y from 'yjs';
import { type BoardFileMeta, readBoardFile, writeBoardFile } from '../../admin/boardFile.js';
import { serverDoc } from '../../serverDoc.js';
import { type Packed, pack, transferOf, unpack } from '../../workers/packing.js';
import { serveRpc, Transfer } from '../../workers/serveRpc.js';
import { lowerThreadPriority } from '../../workers/threadPriority.js';
import { encodeIntegrated } from '../encodeIntegrated.js';
import { mergeParts, storedAnswer } from './mergeParts.js';
import { sliceDocument, sliceUpdate } from './sliceDocument.js';

export interface LoadedSlices {
  slices: Packed;
  /** `Y.encodeStateAsUpdate` of the whole board. */
  state: Uint8Array;
  /** Stored parts that did not decode (skipped). */
  skipped: number;
}

/**
 * A member's large update, scanned here as it would have been on the event loop, and sliced:
 * with slices, only the scan's `furthestNeeds` (the whole scan is one object per struct, and
 * cloning it back to the event loop took 150-200 ms for 10,000 shapes); without, all of it.
 */
/** A board file read: its update, or why it is not one. */
export type ReadBoardFile = { ok: true; update: Uint8Array } | { ok: false; message: string };

export type SlicedUpdate =
  | {
      ok: true;
      scan: ScannedUpdate;
      slices: Packed | null;
      scans: ScannedUpdate[] | null;
      /** Without slices: the update itself, moved back to be applied whole. */
      whole: Uint8Array | null;
    }
  | { ok: false; message: string };

/**
 * A slice's scan as the event loop uses it to apply and relay the slice as it came (where each
 * client's structs are, the deletions; `DocCapture.applier`, `concatUpdates`): its dependencies
 * are left out, as the whole update's were checked.
 */
const sliceScan = ({ structs, deletes, structCount }: ScannedUpdate): ScannedUpdate => ({
  structs,
  deletes,
  dependencies: [],
  structCount,
});

// Bulk work: when CPU is short, the event loop and the commits of boards being edited come first.
lowerThreadPriority();

serveRpc({
  /** A stored snapshot's state vector, or null (see `storedAnswer`). */
  storedState: (update: Uint8Array) => storedAnswer([update])?.stateVector ?? null,
  /** Stored records merged for cold joins, or null (see `storedAnswer`). */
  storedAnswer: (packed: Packed) => {
    const answer = storedAnswer(unpack(packed));
    return answer && new Transfer(answer, [answer.update.buffer as ArrayBuffer]);
  },
  /** Stored records merged (they are ours, scanned when stored), with their state vector. */
  coldAnswer: (packed: Packed) => {
    const { update, stateVector } = mergeParts(unpack(packed));
    return new Transfer({ update, stateVector }, [update.buffer as ArrayBuffer]);
  },
  sliceUpdate: (update: Uint8Array, maxStructs: number) => {
    let scan: ScannedUpdate;
    try {
      scan = scanUpdate(update);
    } catch (error) {
      if (!(error instanceof BinaryFormatError)) throw error;
      const result: SlicedUpdate = { ok: false, message: error.message };
      return result;
    }
    let slices: Uint8Array[] | null = null;
    try {
      slices = sliceUpdate(update, maxStructs);
    } catch {
      // A shape slices cannot keep (a dependency cycle): the caller applies it whole.
    }
    const packed = slices && pack(slices);
    const result: SlicedUpdate = {
      ok: true,
      scan: packed ? furthestNeeds(scan) : scan,
      slices: packed,
      scans: slices?.map((slice) => sliceScan(scanUpdate(slice))) ?? null,
      whole: packed ? null : update,
    };
    return new Transfer(result, packed ? transferOf(packed) : [update.buffer as ArrayBuffer]);
  },
  writeBoardFile: (meta: BoardFileMeta, update: Uint8Array) => {
    const file = writeBoardFile(meta, update);
    return new Transfer(file, [file.buffer as ArrayBuffer]);
  },
  readBoardFile: (bytes: Uint8Array, maxBoardBytes: number) => {
    const update = readBoardFile(bytes, { maxBoardBytes });
    if (typeof update === 'string') return { ok: false, message: update } satisfies ReadBoardFile;
    const result: ReadBoardFile = { ok: true, update };
    return new Transfer(result, [update.buffer as ArrayBuffer]);
  },
  slice: (packed: Packed, maxStructs: number) => {
    const doc = serverDoc('load');
    const parts = unpack(packed);
    let skipped = 0;
    for (const part of parts) {
      try {
        // Read as `applyStoredRecord` reads a record: a gap in a client's content is split off.
        for (const skipFree of skipFreeParts(part)) Y.applyUpdate(doc, skipFree);
      } catch {
        skipped++;
      }
    }
    const slices = pack(sliceDocument(doc, maxStructs));
    // A board stored as one snapshot is already its own encoded state, unless it holds content
    // that waits for something missing, which joiners must not get (`encodeIntegrated`).
    const whole = parts.length === 1 && skipped === 0 && !holdsPending(doc.store);
    const state = whole ? parts[0]!.slice() : encodeIntegrated(doc);
    doc.destroy();
    const result: LoadedSlices = { slices, state, skipped };
    return new Transfer(result, [...transferOf(slices), state.buffer as ArrayBuffer]);
  },
});
