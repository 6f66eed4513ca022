import type { ScannedUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { continuesExactly } from './redundantUpdate.js';

/**
 * What a board's doc integrated, change by change: the update to relay and store. Nothing is
 * captured before `listen` (the end of the board's load): Yjs encodes every transaction as an
 * update for an 'update' listener, which during the load would encode the whole board a second
 * time for nothing.
 */
export class DocCapture {
  #captured: Uint8Array | null = null;
  #listening = false;
  readonly #onUpdate = (update: Uint8Array): void => {
    this.#captured = update;
    this.changed(update);
  };

  constructor(
    private readonly doc: Y.Doc,
    /** Called after every change the doc integrated once listening. */
    private readonly changed: (update: Uint8Array) => void,
  ) {}

  listen(): void {
    this.doc.on('update', this.#onUpdate);
    this.#listening = true;
  }

  /** Runs `apply`; returns what the doc integrated meanwhile (null: nothing). */
  run(apply: () => void): Uint8Array | null {
    this.#captured = null;
    try {
      apply();
      return this.#captured;
    } finally {
      this.#captured = null;
    }
  }

  /**
   * How to apply an update that passed `findMissingDependency` (so the doc integrates all of it),
   * for `run`. When it also continues every client's clock exactly where the doc is (a member's
   * fresh edit, nearly always), what the doc integrates is the update itself (`whole`): it is
   * applied with no 'update' listener, which spares Yjs encoding the transaction again (about a
   * quarter of applying an edit), and is captured as it came, as scanned. An update that
   * overlaps what the doc has (a resend) goes through the listener, which captures only what
   * was new.
   */
  applier(
    update: Uint8Array,
    scan: ScannedUpdate,
    origin: unknown,
  ): { apply: () => void; whole: boolean } {
    if (!this.#listening || !continuesExactly(scan, this.doc.store)) {
      return { apply: () => Y.applyUpdate(this.doc, update, origin), whole: false };
    }
    const apply = () => {
      this.doc.off('update', this.#onUpdate);
      try {
        Y.applyUpdate(this.doc, update, origin);
      } finally {
        this.doc.on('update', this.#onUpdate);
      }
      this.#onUpdate(update);
    };
    return { apply, whole: true };
  }
}
