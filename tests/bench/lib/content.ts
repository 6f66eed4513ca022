/**
 * Counting deliveries by content, not by frames: a server may batch several updates in one
 * frame, or re-encode them. Each delivered Yjs update says which clock range of the writer it
 * carries; a reader has received edit i once it holds the writer's clock `clocks[i]`. Every
 * update must start exactly where the reader's previous one ended: a gap (lost update) or an
 * overlap (duplicate) fails the run.
 */
import * as Y from 'yjs';

interface Range {
  from: number;
  to: number;
}

/** Parsing costs ~3 µs; readers in one process mostly receive the same bytes. */
class RangeCache {
  #map = new Map<string, Range | null>();

  constructor(private readonly clientId: number) {}

  rangeOf(update: Uint8Array): Range | null {
    const n = update.byteLength;
    let key = `${n}:`;
    for (let i = 0; i < Math.min(16, n); i++) key += update[i]!.toString(16);
    key += ':';
    for (let i = Math.max(16, n - 8); i < n; i++) key += update[i]!.toString(16);
    const cached = this.#map.get(key);
    if (cached !== undefined) return cached;
    const meta = Y.parseUpdateMeta(update);
    const from = meta.from.get(this.clientId);
    const to = meta.to.get(this.clientId);
    const range = from === undefined || to === undefined ? null : { from, to };
    if (this.#map.size > 4096) this.#map.clear();
    this.#map.set(key, range);
    return range;
  }
}

export class ContentCounter {
  readonly #cache: RangeCache;

  constructor(
    readonly clocks: Uint32Array,
    clientId: number,
  ) {
    this.#cache = new RangeCache(clientId);
  }

  reader(label: string): ReaderProgress {
    return new ReaderProgress(label, this.clocks, this.#cache);
  }
}

export class ReaderProgress {
  /** The writer's clock this reader holds. */
  clock = 0;
  /** Edits fully received. */
  delivered = 0;
  frames = 0;

  constructor(
    readonly label: string,
    private readonly clocks: Uint32Array,
    private readonly cache: RangeCache,
  ) {}

  /** Records one delivered update; returns how many edits it completed (throws on gaps). */
  receive(update: Uint8Array): number {
    this.frames++;
    const range = this.cache.rangeOf(update);
    if (range === null) return 0; // nothing of the writer's (e.g. an empty sync answer)
    if (range.from !== this.clock) {
      throw new Error(
        `${this.label}: update carries clocks ${range.from}..${range.to} but the reader holds ` +
          `${this.clock} (${range.from > this.clock ? 'a gap: lost update' : 'an overlap: duplicate'})`,
      );
    }
    this.clock = range.to;
    const before = this.delivered;
    while (this.delivered < this.clocks.length && this.clocks[this.delivered]! <= this.clock) {
      this.delivered++;
    }
    if (this.delivered > 0 && this.clocks[this.delivered - 1] !== this.clock) {
      throw new Error(`${this.label}: update ends at clock ${this.clock}, inside an edit`);
    }
    return this.delivered - before;
  }
}
