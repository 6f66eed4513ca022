import { type BoardModel, compareShapes, type Shape } from '@drawbridge/board';

const samePoints = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Validated shapes by id, kept up to date incrementally from the model's change ids, so the
 * canvas never re-reads the whole Y.Doc on a change. When a shape changes but its points do
 * not, the previous points array is kept: its identity then means "same outline", which is
 * what the stroke path cache keys on.
 */
export class ShapeStore {
  readonly #model: BoardModel;
  readonly #shapes = new Map<string, Shape>();
  readonly #listeners = new Set<(ids: ReadonlySet<string>) => void>();
  #sorted: Shape[] | null = null;
  #anyLocked: boolean | null = null;
  #version = 0;
  readonly #unobserve: () => void;

  constructor(model: BoardModel) {
    this.#model = model;
    for (const shape of model.shapes()) this.#shapes.set(shape.id, shape);
    this.#unobserve = model.observe((change) => this.#apply(change.ids));
  }

  destroy(): void {
    this.#unobserve();
    this.#listeners.clear();
  }

  /** Bumped on every change: a cheap snapshot for UI that re-reads shapes. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#shapes.size;
  }

  get(id: string): Shape | undefined {
    return this.#shapes.get(id);
  }

  has(id: string): boolean {
    return this.#shapes.has(id);
  }

  /** Every shape in paint order (cached until the next change). */
  all(): readonly Shape[] {
    this.#sorted ??= [...this.#shapes.values()].sort(compareShapes);
    return this.#sorted;
  }

  /** Whether any shape is locked (cached until the next change). */
  hasLocked(): boolean {
    if (this.#anyLocked === null) {
      this.#anyLocked = false;
      for (const shape of this.#shapes.values()) {
        if (shape.locked) {
          this.#anyLocked = true;
          break;
        }
      }
    }
    return this.#anyLocked;
  }

  /** Called after shapes changed, with their ids (removed ones are no longer in the store). */
  subscribe(listener: (ids: ReadonlySet<string>) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #apply(ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    for (const id of ids) {
      const next = this.#model.getShape(id);
      if (!next) {
        this.#shapes.delete(id);
        continue;
      }
      const previous = this.#shapes.get(id);
      if (previous && 'points' in previous && 'points' in next) {
        if (samePoints(previous.points, next.points)) next.points = previous.points;
      }
      this.#shapes.set(id, next);
    }
    this.#sorted = null;
    this.#anyLocked = null;
    this.#version++;
    for (const listener of [...this.#listeners]) listener(ids);
  }
}
