import { markImmutable, type ScannedUpdate } from '@drawbridge/protocol';
import type { BoardFileMeta } from '../../admin/boardFile.js';
import type { Logger } from '../../logger.js';
import { packInTurns, transferOf, unpack } from '../../workers/packing.js';
import { RpcWorker } from '../../workers/RpcWorker.js';
import { movableBytes, ownBytes } from '../../workers/serveRpc.js';
import type { ScannedPart } from '../concatUpdates.js';
import type { LoadedSlices, ReadBoardFile, SlicedUpdate } from './loadWorker.js';

/**
 * Boards stored in fewer bytes than this are applied directly: cheaper than a round trip. Members'
 * updates too (`LARGE_UPDATE_BYTES`). At 256 KB, updates of 1,000 shapes (224 KB) held the event
 * loop 47-147 ms each when applied directly (a member sending twelve of them, a gap logger in the
 * bundled server); from the worker, in slices, at most 23-28 ms, each acked 93-103 ms after it
 * was sent instead of 52-66 ms.
 */
export const DIRECT_LOAD_BYTES = 64 * 1024;
/**
 * Structs per slice: a few ms of `Y.applyUpdate` each on a slow core. Slices of 2,000 took
 * 10-20 ms each, longer than a turn's budget, and other boards' round trips waited behind them.
 */
const SLICE_STRUCTS = 500;

export interface ColdAnswer {
  update: Uint8Array;
  stateVector: Uint8Array;
}

export interface SlicedBoard {
  /** Updates to apply in order; each leaves nothing pending. */
  slices: Uint8Array[];
  /** The whole board, encoded (for cold joins). */
  state: Uint8Array;
  skipped: number;
}

/**
 * Prepares large boards for loading in a worker thread (started on first use). See
 * `loadWorker.ts`; `BoardRoom.load` applies the slices between other work.
 */
export class BoardLoader {
  #worker: RpcWorker | null = null;

  constructor(private readonly logger: Logger) {}

  /** Starts the worker now, so the first large load does not wait for a thread to boot. */
  start(): void {
    this.#ensureWorker();
  }

  /**
   * The stored board as one update and its state vector, for cold joins while the document
   * loads; null when it holds content a document would keep pending (`storedAnswer`). Asked
   * before `slice`, so it is answered first (the worker serves calls in order).
   */
  async storedAnswer(parts: readonly Uint8Array[]): Promise<ColdAnswer | null> {
    const worker = this.#ensureWorker();
    if (parts.length === 1) {
      // A compacted board is one snapshot: only its state vector comes back. A copy of it (made
      // in turns) goes to the worker, moved (not copied a second time).
      const copy = (await packInTurns(parts)).bytes;
      const stateVector = await worker.call<Uint8Array | null>(
        'storedState',
        [copy],
        [copy.buffer as ArrayBuffer],
      );
      // The stored bytes, read for this load and never changed.
      return stateVector && { update: markImmutable(parts[0]!), stateVector };
    }
    const packed = await packInTurns(parts);
    const answer = await worker.call<ColdAnswer | null>(
      'storedAnswer',
      [packed],
      transferOf(packed),
    );
    // Made here and never changed: the frames of joins answered with it can be shared.
    if (answer) markImmutable(answer.update);
    return answer;
  }

  /** Updates merged into one, with its state vector (`mergeParts`): for `FullState`. */
  async coldAnswer(parts: readonly Uint8Array[]): Promise<ColdAnswer> {
    const packed = await packInTurns(parts);
    const worker = this.#ensureWorker();
    const answer = await worker.call<ColdAnswer>('coldAnswer', [packed], transferOf(packed));
    // Made here and never changed: the frames of joins answered with it can be shared.
    markImmutable(answer.update);
    return answer;
  }

  /**
   * A large update, scanned and cut into slices in the worker (`sliceUpdate`): the scan, or its
   * failure's message. Each slice comes with its scan, to apply and relay it as it came; without
   * slices (the update cannot be sliced), `whole` is the update to apply whole.
   *
   * `move`: the caller gives the update up (a member's message, read for this): its buffer goes
   * to the worker without a copy when it holds little else (`movableBytes`), and the update is
   * empty here afterwards. Copying 14 MB to the worker held the event loop 57 ms. Otherwise it is
   * copied and the caller keeps it.
   */
  async sliceUpdate(
    update: Uint8Array,
    { move = false }: { move?: boolean } = {},
  ): Promise<
    | { scan: ScannedUpdate; slices: ScannedPart[]; whole: null }
    | { scan: ScannedUpdate; slices: null; whole: Uint8Array }
    | { invalid: string }
  > {
    const worker = this.#ensureWorker();
    const sent = move ? movableBytes(update) : update;
    const result = await worker.call<SlicedUpdate>(
      'sliceUpdate',
      [sent, SLICE_STRUCTS],
      move ? [sent.buffer as ArrayBuffer] : [],
    );
    if (!result.ok) return { invalid: result.message };
    const { scan, slices, scans, whole } = result;
    if (!slices || !scans) return { scan, slices: null, whole: move ? whole! : update };
    const parts = unpack(slices).map((slice, i) => ({ update: slice, scan: scans[i]! }));
    return { scan, slices: parts, whole: null };
  }

  /** A board's file (`boardFile.ts`), written in the worker. The update is copied to it. */
  writeBoardFile(meta: BoardFileMeta, update: Uint8Array): Promise<Uint8Array> {
    return this.#ensureWorker().call<Uint8Array>('writeBoardFile', [meta, update]);
  }

  /**
   * The update of a board file, read and checked in the worker, or why it is not one. `bytes`
   * is moved there: the caller no longer has it.
   */
  async readBoardFile(bytes: Uint8Array, maxBoardBytes: number): Promise<Uint8Array | string> {
    const worker = this.#ensureWorker();
    const transfer = ownBytes(bytes);
    const result = await worker.call<ReadBoardFile>(
      'readBoardFile',
      [transfer, maxBoardBytes],
      [transfer.buffer as ArrayBuffer],
    );
    return result.ok ? result.update : result.message;
  }

  async slice(parts: readonly Uint8Array[]): Promise<SlicedBoard> {
    const worker = this.#ensureWorker();
    const packed = await packInTurns(parts);
    const result = await worker.call<LoadedSlices>(
      'slice',
      [packed, SLICE_STRUCTS],
      transferOf(packed),
    );
    return { slices: unpack(result.slices), state: result.state, skipped: result.skipped };
  }

  #ensureWorker(): RpcWorker {
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './loadWorker.ts',
      bundledName: 'load-worker.js',
      name: 'board-loader',
      onExit: (error) => this.logger.error({ err: error }, 'board loader worker died; restarting'),
    });
    return this.#worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }
}
