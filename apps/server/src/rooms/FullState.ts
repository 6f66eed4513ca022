import { markImmutable } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { FreshRun } from '../flow/FreshRun.js';
import { encodeIntegrated } from './encodeIntegrated.js';
import type { ColdAnswer } from './loading/BoardLoader.js';

/** Boards encoded in fewer bytes than this are encoded again on the event loop: a few ms. */
export const ENCODE_ON_LOOP_BYTES = 256 * 1024;

/**
 * Joiners that lack this many clock units (roughly structs) or more of the board get the whole
 * board instead of what they lack. Encoding what they lack on the event loop costs about 0.3 us
 * a unit: 36-47 ms for a client that holds only its own edits against 10,000 shapes, 12 ms for
 * one that lacks half of them. The whole board is kept encoded, and brought up to date off the
 * event loop; what the joiner already holds in it, Yjs skips.
 */
export const LACKING_ON_LOOP = 16_384;

/**
 * The updates kept since the kept encoding are brought into it once they hold more bytes than
 * the encoding or than this, when the board pauses (`QUIET_MS`): a small board is encoded again
 * on the event loop (a few ms), a large one merged in the worker. Doing it in the middle of a
 * burst cost the fan-out bench a fifth of its deliveries (351-419k against 488-574k per second).
 */
export const KEPT_UPDATES_MIN_BYTES = 32 * 1024;
/** How long a board goes without a change before its kept updates are brought in. */
export const QUIET_MS = 1000;
/** Kept updates past this many times the bound are brought in at once, burst or not. */
const KEPT_UPDATES_MAX_FACTOR = 8;

/** Merges updates into one, off the event loop (the board loader's worker). */
export type MergeUpdates = (parts: readonly Uint8Array[]) => Promise<ColdAnswer>;

interface Encoded extends ColdAnswer {
  /** The document's generation the encoding holds. */
  generation: number;
}

/**
 * A board's whole state encoded, for the joins that hold nothing yet (or lack much): the
 * encoding is kept until the document changes, and shared. Encoding a large board again on the
 * event loop would hold every board (60-170 ms for a 6 MB board, 90 ms for 10,000 shapes pasted
 * into an empty board), so once a large board has changed, its encoding is brought up to date in
 * the loader's worker instead: the kept encoding merged with the updates the document integrated
 * since, which are kept for it (`changed`). Kept updates past the size of the board are brought
 * in without waiting for a joiner, so they never hold much more than the board's own bytes.
 *
 * An answer holds everything the document held when it was asked for; what comes later reaches
 * the joiner as a relay (it is in the board's room by then). So a joiner shares an update only
 * if the document has not changed since it began. One runs at a time: joiners that arrive
 * during it and need a newer one wait for it, then share the next.
 */
export class FullState {
  #generation = 0;
  #encoded: Encoded | null = null;
  /** What the document integrated since `#encoded`, one update per generation, in order. */
  #since: Uint8Array[] = [];
  #sinceBytes = 0;
  readonly #merges = new FreshRun(() => this.#merge());
  /** The generation the merge in flight brings the encoding up to. */
  #mergingTo = -1;
  /** Waits for a pause before the kept updates are brought in. */
  #quiet: NodeJS.Timeout | null = null;
  #changedAt = 0;
  #closed = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly merge: MergeUpdates | null,
    private readonly onLoopBytes = ENCODE_ON_LOOP_BYTES,
    private readonly lackingOnLoop = LACKING_ON_LOOP,
  ) {}

  /** Bytes of the updates kept since the kept encoding. */
  get keptUpdateBytes(): number {
    return this.#sinceBytes;
  }

  /** The document integrated `update`: the kept encoding is behind it until brought up to date. */
  changed(update: Uint8Array): void {
    this.#generation++;
    const encoded = this.#encoded;
    if (!encoded) return;
    this.#since.push(update);
    this.#sinceBytes += update.byteLength;
    this.#changedAt = performance.now();
    const bound = Math.max(KEPT_UPDATES_MIN_BYTES, encoded.update.byteLength);
    if (this.#sinceBytes <= bound) return;
    if (this.#sinceBytes > bound * KEPT_UPDATES_MAX_FACTOR) {
      // Once the change's capture is done.
      queueMicrotask(() => this.#bringIn());
    } else {
      this.#quiet ??= setTimeout(() => this.#whenQuiet(), QUIET_MS).unref();
    }
  }

  /** Stops waiting for pauses (the board is unloading). */
  close(): void {
    this.#closed = true;
    if (this.#quiet) clearTimeout(this.#quiet);
    this.#quiet = null;
  }

  /**
   * The document as loaded: encoded by the load (in the loader's worker, without pending
   * content), or null to encode it here (a small board).
   */
  loaded(update: Uint8Array | null): void {
    this.#keep({
      update: markImmutable(update ?? encodeIntegrated(this.doc)),
      stateVector: Y.encodeStateVector(this.doc),
      generation: this.#generation,
    });
  }

  /**
   * What a joiner holding `stateVector` lacks, as the document holds it now or later: encoded
   * here when that is little, or else the whole board (`get`).
   */
  for(stateVector: Uint8Array): Promise<ColdAnswer> {
    if (this.wantsWhole(stateVector)) return this.get();
    return Promise.resolve({
      update: encodeIntegrated(this.doc, stateVector),
      stateVector: Y.encodeStateVector(this.doc),
    });
  }

  /**
   * True when a joiner holding `stateVector` is answered with the whole board: it holds nothing,
   * or it lacks much of `board` (a state vector: by default the document's).
   */
  wantsWhole(stateVector: Uint8Array, board: Map<number, number> = stateOf(this.doc)): boolean {
    const empty = stateVector.byteLength === 1 && stateVector[0] === 0;
    return empty || lacking(board, stateVector) >= this.lackingOnLoop;
  }

  /** The whole board as the document holds it now, or later. */
  get(): Promise<ColdAnswer> {
    const generation = this.#generation;
    const encoded = this.#encoded;
    if (encoded?.generation === generation) return Promise.resolve(encoded);
    const bytes = (encoded?.update.byteLength ?? 0) + this.#sinceBytes;
    if (!encoded || !this.merge || bytes < this.onLoopBytes) {
      return Promise.resolve(this.#encodeHere());
    }
    const running = this.#merges.running;
    if (running && this.#mergingTo === generation) return running;
    // None, or one that started before a change this joiner must see.
    return this.#merges.after();
  }

  #whenQuiet(): void {
    const since = performance.now() - this.#changedAt;
    this.#quiet = since < QUIET_MS ? setTimeout(() => this.#whenQuiet(), QUIET_MS - since) : null;
    this.#quiet?.unref();
    if (!this.#quiet) this.#bringIn();
  }

  /** Brings the kept updates into the kept encoding, unless that is under way. */
  #bringIn(): void {
    if (this.#closed || this.#merges.running || this.#sinceBytes === 0) return;
    this.get().catch(() => undefined);
  }

  #merge(): Promise<Encoded> {
    const generation = this.#generation;
    this.#mergingTo = generation;
    const base = this.#encoded!;
    if (base.generation === generation) return Promise.resolve(base);
    const changes = this.#since.slice(0, generation - base.generation);
    const stateVector = Y.encodeStateVector(this.doc);
    return this.merge!([base.update, ...changes]).then(
      (merged): Encoded => {
        const result = { update: markImmutable(merged.update), stateVector, generation };
        if ((this.#encoded?.generation ?? -1) < generation) this.#keep(result);
        return result;
      },
      // The worker failed (it is restarted): answer correctly, on this thread this once.
      () => this.#encodeHere(),
    );
  }

  #encodeHere(): Encoded {
    return this.#keep({
      update: markImmutable(encodeIntegrated(this.doc)),
      stateVector: Y.encodeStateVector(this.doc),
      generation: this.#generation,
    });
  }

  /** Keeps `encoded`, and the updates the document integrated after it. */
  #keep(encoded: Encoded): Encoded {
    const behind = this.#encoded ? encoded.generation - this.#encoded.generation : 0;
    for (const update of this.#since.splice(0, behind)) this.#sinceBytes -= update.byteLength;
    this.#encoded = encoded;
    return encoded;
  }
}

/** Clock units of the `board` state vector that a holder of `stateVector` lacks. */
function lacking(board: Map<number, number>, stateVector: Uint8Array): number {
  const held = Y.decodeStateVector(stateVector);
  let units = 0;
  for (const [client, clock] of board) {
    units += Math.max(0, clock - (held.get(client) ?? 0));
  }
  return units;
}

function stateOf(doc: Y.Doc): Map<number, number> {
  const state = new Map<number, number>();
  for (const client of doc.store.clients.keys()) state.set(client, Y.getState(doc.store, client));
  return state;
}
