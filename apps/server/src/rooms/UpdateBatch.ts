import type { ScannedUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { concatUpdates, type ScannedPart } from './concatUpdates.js';

/**
 * Updates gathered for one message (a board's relay frame, its message to the other nodes),
 * joined into one when taken: without decoding them while each came with its own scan
 * (`concatUpdates`), else by `Y.mergeUpdates`.
 */
export class UpdateBatch {
  #updates: Uint8Array[] = [];
  /** Every update with its scan, while they all came with one (else null). */
  #scanned: ScannedPart[] | null = [];

  get size(): number {
    return this.#updates.length;
  }

  /** `scan`, when given, is `update`'s own scan (the update as it came). */
  add(update: Uint8Array, scan?: ScannedUpdate): void {
    this.#updates.push(update);
    if (scan && this.#scanned?.length === this.#updates.length - 1) {
      this.#scanned.push({ update, scan });
    } else {
      this.#scanned = null;
    }
  }

  /** The updates as one update, leaving the batch empty; null when it was empty. */
  take(): Uint8Array | null {
    const updates = this.#updates;
    const scanned = this.#scanned;
    this.#updates = [];
    this.#scanned = [];
    if (updates.length <= 1) return updates[0] ?? null;
    return (scanned && concatUpdates(scanned)) ?? Y.mergeUpdates(updates);
  }
}
