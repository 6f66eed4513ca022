import type { BoardModel, Shape } from '@drawbridge/board';

export interface LiveEditsOptions {
  now: () => number;
  /** Schedules `fn` after `ms`; returns a cancel function. */
  schedule: (fn: () => void, ms: number) => () => void;
  /** Minimum time between model writes during a gesture. */
  interval?: number;
  /** Called when the shown values change (redraw). */
  onChange?: () => void;
}

/**
 * Shapes being dragged, resized or drawn. The canvas shows the latest value at once (the
 * override), while the model, and with it every peer, gets it at most every `interval` ms and
 * at the end: a drag stays smooth locally without flooding the network.
 */
export class LiveEdits {
  readonly #model: BoardModel;
  readonly #options: Required<LiveEditsOptions>;
  readonly overrides = new Map<string, Shape>();
  readonly #patches = new Map<string, Partial<Shape>>();
  #lastFlush = Number.NEGATIVE_INFINITY;
  #cancelTimer: (() => void) | null = null;

  constructor(model: BoardModel, options: LiveEditsOptions) {
    this.#model = model;
    this.#options = { interval: 50, onChange: () => {}, ...options };
  }

  get active(): boolean {
    return this.overrides.size > 0;
  }

  /** Sets fields of a shape whose current value is `base`. */
  set(base: Shape, patch: Partial<Shape>): void {
    this.overrides.set(base.id, { ...base, ...patch } as Shape);
    this.#patches.set(base.id, { ...this.#patches.get(base.id), ...patch });
    this.#options.onChange();
    const wait = this.#lastFlush + this.#options.interval - this.#options.now();
    if (wait <= 0) this.flush();
    else this.#cancelTimer ??= this.#options.schedule(() => this.flush(), wait);
  }

  /** Writes pending fields to the model in one transaction. */
  flush(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#lastFlush = this.#options.now();
    if (this.#patches.size === 0) return;
    const patches = [...this.#patches];
    this.#patches.clear();
    this.#model.transact(() => {
      for (const [id, patch] of patches) this.#model.updateShape(id, patch);
    });
  }

  /** Ends the gesture: the model gets the final values and the overrides go. */
  end(): void {
    this.flush();
    this.overrides.clear();
    this.#lastFlush = Number.NEGATIVE_INFINITY;
    this.#options.onChange();
  }
}
