import type { BoardModel, Shape } from '@drawbridge/board';

export interface LiveEditsOptions {
  now: () => number;
  /** Schedules `fn` after `ms`; returns a cancel function. */
  schedule: (fn: () => void, ms: number) => () => void;
  /** Minimum time between model writes during a gesture. */
  interval?: number;
  /** Called when the shown values change (redraw). */
  onChange?: () => void;
  /**
   * Shapes whose shown value follows from the edited ones (arrows bound to a moving shape):
   * shown, never written, since every peer derives them from the bindings itself.
   */
  derive?: (overrides: ReadonlyMap<string, Shape>) => Map<string, Shape>;
}

/**
 * Shapes being dragged, resized or drawn. The canvas shows the latest value at once (the
 * override), while the model, and with it every peer, gets it at most every `interval` ms and
 * at the end: a drag stays smooth locally without flooding the network.
 */
export class LiveEdits {
  readonly #model: BoardModel;
  readonly #options: Required<LiveEditsOptions>;
  /** Shapes being edited, as they will be written. */
  readonly overrides = new Map<string, Shape>();
  /** What the canvas shows during the gesture: the overrides and the shapes derived from them. */
  readonly shown = new Map<string, Shape>();
  readonly #patches = new Map<string, Partial<Shape>>();
  #lastFlush = Number.NEGATIVE_INFINITY;
  #cancelTimer: (() => void) | null = null;

  constructor(model: BoardModel, options: LiveEditsOptions) {
    this.#model = model;
    this.#options = { interval: 50, onChange: () => {}, derive: () => new Map(), ...options };
  }

  get active(): boolean {
    return this.overrides.size > 0;
  }

  #refreshShown(): void {
    this.shown.clear();
    for (const [id, shape] of this.overrides) this.shown.set(id, shape);
    for (const [id, shape] of this.#options.derive(this.overrides)) this.shown.set(id, shape);
  }

  /** Sets fields of several shapes at once (a multi-selection drag), then redraws once. */
  setMany(edits: readonly [Shape, Partial<Shape>][]): void {
    for (const [base, patch] of edits) {
      this.overrides.set(base.id, { ...base, ...patch } as Shape);
      this.#patches.set(base.id, { ...this.#patches.get(base.id), ...patch });
    }
    this.#refreshShown();
    this.#options.onChange();
    this.#schedule();
  }

  /** Sets fields of a shape whose current value is `base`. */
  set(base: Shape, patch: Partial<Shape>): void {
    this.setMany([[base, patch]]);
  }

  #schedule(): void {
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
    this.shown.clear();
    this.#lastFlush = Number.NEGATIVE_INFINITY;
    this.#options.onChange();
  }
}
