import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { nanoid } from 'nanoid';
import * as Y from 'yjs';
import { resizeShape } from './geometry.js';
import { compareShapes } from './order.js';
import { readShapes } from './read.js';
import { type Bounds, type NewShape, ROOT_META, ROOT_SHAPES, type Shape } from './schema.js';
import { isIndexKey, readName, readShape } from './validate.js';

export type ShapeMap = Y.Map<unknown>;

export { compareShapes };

export interface Change {
  /** Ids of shapes added, changed or removed; all shapes when the whole board was replaced. */
  ids: Set<string>;
  /** True when the change came from this model (local edit, undo, redo). */
  local: boolean;
  nameChanged: boolean;
}

export const newShapeId = (): string => nanoid(12);

/**
 * The board over a Y.Doc: reads validated shapes, and makes every mutation in a transaction
 * with this model's origin, which is what the per-user undo manager tracks. Remote changes
 * arrive with other origins, so undo never removes someone else's work.
 */
export class BoardModel {
  readonly doc: Y.Doc;
  readonly meta: Y.Map<unknown>;
  readonly shapeMaps: Y.Map<ShapeMap>;
  readonly undoManager: Y.UndoManager;
  /** Origin of every local transaction. */
  readonly origin = { board: 'local' };

  constructor(doc: Y.Doc, options: { captureTimeout?: number } = {}) {
    this.doc = doc;
    this.meta = doc.getMap(ROOT_META);
    this.shapeMaps = doc.getMap(ROOT_SHAPES);
    this.undoManager = new Y.UndoManager([this.meta, this.shapeMaps], {
      trackedOrigins: new Set([this.origin]),
      captureTimeout: options.captureTimeout ?? 400,
    });
  }

  destroy(): void {
    this.undoManager.destroy();
  }

  // ---- reading ----

  get name(): string {
    return readName(this.meta.get('name'));
  }

  /** The shape with this id, validated; null when absent or malformed. */
  getShape(id: string): Shape | null {
    const map = this.shapeMaps.get(id);
    if (!(map instanceof Y.Map)) return null;
    return readShape({ ...map.toJSON(), id });
  }

  /** Every valid shape in paint order. Malformed shapes are skipped. */
  shapes(): Shape[] {
    return readShapes(this.doc);
  }

  /**
   * Calls `listener` after every transaction that touched the board, with what changed.
   * Returns an unsubscribe function.
   */
  observe(listener: (change: Change) => void): () => void {
    const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
      const ids = new Set<string>();
      let nameChanged = false;
      for (const event of events) {
        if (event.target === this.meta) {
          nameChanged = true;
        } else if (event.target === this.shapeMaps) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
        } else {
          // A field of one shape: the shape's id is its key in the shapes map.
          const id = event.path[0];
          if (typeof id === 'string') ids.add(id);
        }
      }
      const local = transaction.origin === this.origin || transaction.origin === this.undoManager;
      listener({ ids, local, nameChanged });
    };
    this.meta.observeDeep(handler);
    this.shapeMaps.observeDeep(handler);
    return () => {
      this.meta.unobserveDeep(handler);
      this.shapeMaps.unobserveDeep(handler);
    };
  }

  // ---- mutations (each one undoable step) ----

  /**
   * Read-only boards (viewers) ignore every mutation here, the one place all of them pass, so
   * no UI path can change the document; the server refuses a viewer's updates anyway.
   */
  readonly = false;

  transact<T>(fn: () => T, fallback?: T): T {
    if (this.readonly) return fallback as T;
    let result: T;
    this.doc.transact(() => {
      result = fn();
    }, this.origin);
    return result!;
  }

  undo(): void {
    if (!this.readonly) this.undoManager.undo();
  }

  redo(): void {
    if (!this.readonly) this.undoManager.redo();
  }

  setName(name: string): void {
    const clean = name.trim().slice(0, 200);
    this.transact(() => this.meta.set('name', clean));
  }

  /** Adds shapes on top of the board; returns their ids. */
  addShapes(inputs: readonly NewShape[]): string[] {
    return this.transact((): string[] => {
      const keys = generateNKeysBetween(this.#topIndex(), null, inputs.length);
      return inputs.map((input, i) => {
        const id = input.id && !this.shapeMaps.has(input.id) ? input.id : newShapeId();
        const record = { ...input, id, index: keys[i]! };
        const map = new Y.Map<unknown>();
        for (const [key, value] of Object.entries(record)) {
          if (key !== 'id' && value !== undefined) map.set(key, value);
        }
        this.shapeMaps.set(id, map);
        return id;
      });
    }, []);
  }

  /** The new shape's id ('' on a read-only board). */
  addShape(input: NewShape): string {
    return this.addShapes([input])[0] ?? '';
  }

  /** Sets fields of one shape; only fields whose value changed are written. */
  updateShape(id: string, patch: Partial<Shape>): void {
    this.transact(() => this.#patch(id, patch));
  }

  /** Sets the same fields on several shapes (style changes). */
  updateShapes(ids: readonly string[], patch: Partial<Shape>): void {
    this.transact(() => {
      for (const id of ids) this.#patch(id, patch);
    });
  }

  moveShapes(ids: readonly string[], dx: number, dy: number): void {
    if (dx === 0 && dy === 0) return;
    this.transact(() => {
      for (const id of ids) {
        const shape = this.getShape(id);
        if (shape) this.#patch(id, { x: shape.x + dx, y: shape.y + dy });
      }
    });
  }

  resizeShape(id: string, to: Bounds): void {
    const shape = this.getShape(id);
    if (shape) this.updateShape(id, resizeShape(shape, to));
  }

  deleteShapes(ids: readonly string[]): void {
    this.transact(() => {
      for (const id of ids) this.shapeMaps.delete(id);
    });
  }

  /** Copies of the shapes, offset, on top; returns the new ids in the same order. */
  duplicate(ids: readonly string[], offset = 24): string[] {
    const shapes = ids.map((id) => this.getShape(id)).filter((s): s is Shape => s !== null);
    shapes.sort(compareShapes);
    return this.addShapes(
      shapes.map(
        ({ id: _id, index: _index, ...rest }) =>
          ({
            ...rest,
            x: rest.x + offset,
            y: rest.y + offset,
          }) as NewShape,
      ),
    );
  }

  bringToFront(ids: readonly string[]): void {
    const moving = this.#inOrder(ids);
    if (moving.length === 0) return;
    this.transact(() => {
      const keys = generateNKeysBetween(this.#topIndex(ids), null, moving.length);
      for (const [i, shape] of moving.entries()) this.#patch(shape.id, { index: keys[i]! });
    });
  }

  sendToBack(ids: readonly string[]): void {
    const moving = this.#inOrder(ids);
    if (moving.length === 0) return;
    this.transact(() => {
      const keys = generateNKeysBetween(null, this.#bottomIndex(ids), moving.length);
      for (const [i, shape] of moving.entries()) this.#patch(shape.id, { index: keys[i]! });
    });
  }

  /** Ends the current undo step, so the next change is undone separately. */
  stopCapturing(): void {
    this.undoManager.stopCapturing();
  }

  #patch(id: string, patch: Partial<Shape>): void {
    const map = this.shapeMaps.get(id);
    if (!(map instanceof Y.Map)) return;
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'id' || key === 'type' || value === undefined) continue;
      const current = map.get(key);
      if (current === value) continue;
      if (Array.isArray(value) && Array.isArray(current) && sameNumbers(value, current)) continue;
      map.set(key, value);
    }
  }

  #inOrder(ids: readonly string[]): Shape[] {
    return ids
      .map((id) => this.getShape(id))
      .filter((s): s is Shape => s !== null)
      .sort(compareShapes);
  }

  /** Highest index among shapes not in `exclude`. */
  #topIndex(exclude: readonly string[] = []): string | null {
    let top: string | null = null;
    for (const [id, map] of this.shapeMaps) {
      if (exclude.includes(id) || !(map instanceof Y.Map)) continue;
      const index = map.get('index');
      if (isIndexKey(index) && (top === null || index > top)) top = index;
    }
    return safeKey(top);
  }

  #bottomIndex(exclude: readonly string[] = []): string | null {
    let bottom: string | null = null;
    for (const [id, map] of this.shapeMaps) {
      if (exclude.includes(id) || !(map instanceof Y.Map)) continue;
      const index = map.get('index');
      if (isIndexKey(index) && (bottom === null || index < bottom)) bottom = index;
    }
    return safeKey(bottom);
  }
}

const sameNumbers = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A remote peer may have written an index that passes our pattern but that fractional-indexing
 * refuses (e.g. a head that claims more digits than it has); treat it as absent.
 */
function safeKey(key: string | null): string | null {
  if (key === null) return null;
  try {
    generateKeyBetween(key, null);
    return key;
  } catch {
    return null;
  }
}
