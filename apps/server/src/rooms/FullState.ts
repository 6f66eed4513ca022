import { markImmutable } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { FreshRun } from '../flow/FreshRun.js';
import type { ColdAnswer } from './loading/BoardLoader.js';

/** Boards encoded in fewer bytes than this are encoded again on the event loop: a few ms. */
export const ENCODE_ON_LOOP_BYTES = 256 * 1024;

/** Merges updates into one, off the event loop (the board loader's worker). */
export type MergeUpdates = (parts: readonly Uint8Array[]) => Promise<ColdAnswer>;

interface Encoded extends ColdAnswer {
  /** The document's generation the encoding holds. */
  generation: number;
}

/**
 * A board's whole state encoded, for the joins that hold nothing yet: the encoding is kept until
 * the document changes, and shared. Encoding a large board again on the event loop would hold
 * every board (60-170 ms for a 6 MB board), so once a large board has changed, its encoding is
 * brought up to date in the loader's worker instead: the kept encoding merged with what changed
 * since, which this thread encodes in a few ms (the structs after its state vector, and the
 * delete set).
 *
 * An answer holds everything the document held when it was asked for; what comes later reaches
 * the joiner as a relay (it is in the board's room by then). So a joiner shares an update only
 * if the document has not changed since it began. One runs at a time: joiners that arrive
 * during it and need a newer one wait for it, then share the next.
 */
export class FullState {
  #generation = 0;
  #encoded: Encoded | null = null;
  readonly #merges = new FreshRun(() => this.#merge());
  /** The generation the merge in flight brings the encoding up to. */
  #mergingTo = -1;

  constructor(
    private readonly doc: Y.Doc,
    private readonly merge: MergeUpdates | null,
    private readonly onLoopBytes = ENCODE_ON_LOOP_BYTES,
  ) {}

  /** The document changed: the kept encoding is behind it (and is brought up to date on use). */
  changed(): void {
    this.#generation++;
  }

  /** The document as loaded, already encoded by the load. */
  loaded(update: Uint8Array): void {
    this.#encoded = {
      update: markImmutable(update),
      stateVector: Y.encodeStateVector(this.doc),
      generation: this.#generation,
    };
  }

  /** The whole board as the document holds it now, or later. */
  get(): Promise<ColdAnswer> {
    const generation = this.#generation;
    const encoded = this.#encoded;
    if (encoded?.generation === generation) return Promise.resolve(encoded);
    if (!encoded || !this.merge || encoded.update.byteLength < this.onLoopBytes) {
      return Promise.resolve(this.#encodeHere());
    }
    const running = this.#merges.running;
    if (running && this.#mergingTo === generation) return running;
    // None, or one that started before a change this joiner must see.
    return this.#merges.after();
  }

  #merge(): Promise<Encoded> {
    const generation = this.#generation;
    this.#mergingTo = generation;
    const base = this.#encoded!;
    if (base.generation === generation) return Promise.resolve(base);
    const changes = Y.encodeStateAsUpdate(this.doc, base.stateVector);
    const stateVector = Y.encodeStateVector(this.doc);
    return this.merge!([base.update, changes]).then(
      (merged): Encoded => {
        const result = { update: markImmutable(merged.update), stateVector, generation };
        if ((this.#encoded?.generation ?? -1) < generation) this.#encoded = result;
        return result;
      },
      // The worker failed (it is restarted): answer correctly, on this thread this once.
      () => this.#encodeHere(),
    );
  }

  #encodeHere(): Encoded {
    this.#encoded = {
      update: markImmutable(Y.encodeStateAsUpdate(this.doc)),
      stateVector: Y.encodeStateVector(this.doc),
      generation: this.#generation,
    };
    return this.#encoded;
  }
}
