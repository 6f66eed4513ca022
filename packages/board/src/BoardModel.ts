import { generateNKeysBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { BindingIndex } from './BindingIndex.js';
import { BoardChanges, type Change } from './BoardChanges.js';
import {
  type Binding,
  bindingKey,
  readBinding,
  TERMINALS,
  type Terminal,
  writeBinding,
} from './bindings.js';
import { duplicateShapes } from './duplicate.js';
import { resizeShape } from './geometry.js';
import { newShapeId } from './ids.js';
import { bottomIndex, topIndex } from './indexKeys.js';
import { compareShapes } from './order.js';
import { applyBindings, readBindings, readShapes, readStoredShape } from './read.js';
import { type RestoreSummary, restoreBoard } from './restore.js';
import {
  type Bounds,
  hasLabel,
  type NewShape,
  ROOT_BINDINGS,
  ROOT_META,
  ROOT_SHAPES,
  type Shape,
} from './schema.js';
import { editableText, isTextField, type TextFieldName, writeText } from './text.js';
import { readName } from './validate.js';

export type ShapeMap = Y.Map<unknown>;
export type { Change };
export { compareShapes, newShapeId };

/**
 * The board over a Y.Doc: reads validated shapes (bound arrow ends resolved), and makes every
 * mutation in a transaction with this model's origin, which is what the per-user undo manager
 * tracks. Remote changes arrive with other origins, so undo never removes someone else's work.
 */
export class BoardModel {
  readonly doc: Y.Doc;
  readonly meta: Y.Map<unknown>;
  readonly shapeMaps: Y.Map<ShapeMap>;
  readonly bindingMap: Y.Map<unknown>;
  readonly undoManager: Y.UndoManager;
  /** Origin of every local transaction. */
  readonly origin = { board: 'local' };
  readonly #index = new BindingIndex();
  readonly #changes: BoardChanges;

  constructor(doc: Y.Doc, options: { captureTimeout?: number } = {}) {
    this.doc = doc;
    this.meta = doc.getMap(ROOT_META);
    this.shapeMaps = doc.getMap(ROOT_SHAPES);
    this.bindingMap = doc.getMap(ROOT_BINDINGS);
    this.undoManager = new Y.UndoManager([this.meta, this.shapeMaps, this.bindingMap], {
      trackedOrigins: new Set([this.origin]),
      captureTimeout: options.captureTimeout ?? 400,
    });
    for (const [key, value] of this.bindingMap) this.#index.refresh(key, value);
    this.#changes = new BoardChanges(this, this.#index);
  }

  destroy(): void {
    this.#changes.destroy();
    this.undoManager.destroy();
  }

  // ---- reading ----

  get name(): string {
    return readName(this.meta.get('name'));
  }

  /** The shape with this id, validated, bound ends resolved; null when absent or malformed. */
  getShape(id: string): Shape | null {
    const shape = this.getStoredShape(id);
    if (!shape) return null;
    return applyBindings(
      shape,
      (key) => this.bindingMap.get(key),
      (target) => this.getStoredShape(target),
    );
  }

  /** The shape as stored: a bound arrow's points are where it was last written. */
  getStoredShape(id: string): Shape | null {
    return readStoredShape(this.shapeMaps, id);
  }

  /** Every valid shape in paint order. Malformed shapes are skipped. */
  shapes(): Shape[] {
    return readShapes(this.doc);
  }

  /** Every valid binding, by key order. */
  bindings(): Binding[] {
    return readBindings(this.doc);
  }

  /** The valid binding of one end of an arrow, if any. */
  bindingOf(arrowId: string, terminal: Terminal): Binding | null {
    const key = bindingKey(arrowId, terminal);
    return readBinding(key, this.bindingMap.get(key));
  }

  /** Arrows with an end bound to this shape. */
  arrowsBoundTo(shapeId: string): string[] {
    return this.#index.arrowsOf(shapeId);
  }

  /**
   * Calls `listener` after every transaction that touched the board, with what changed (an
   * arrow counts as changed when a shape it is bound to does). Returns an unsubscribe.
   */
  observe(listener: (change: Change) => void): () => void {
    return this.#changes.subscribe(listener);
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
      const keys = generateNKeysBetween(topIndex(this.shapeMaps), null, inputs.length);
      return inputs.map((input, i) => {
        const id = input.id && !this.shapeMaps.has(input.id) ? input.id : newShapeId();
        const record: Record<string, unknown> = { ...input, index: keys[i]! };
        // Every box and segment gets its (empty) label text up front, so two people who start
        // labelling it at once type into the same Y.Text instead of replacing each other's.
        if (hasLabel(input as Shape)) record.label ??= '';
        const map = new Y.Map<unknown>();
        for (const [key, value] of Object.entries(record)) {
          if (key === 'id' || value === undefined) continue;
          map.set(key, isTextField(key) && typeof value === 'string' ? new Y.Text(value) : value);
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

  /** Moves shapes; arrows moved without the shapes they are bound to come loose first. */
  moveShapes(ids: readonly string[], dx: number, dy: number): void {
    if (dx === 0 && dy === 0) return;
    this.transact(() => {
      this.detachArrows(ids);
      for (const id of ids) {
        const shape = this.getStoredShape(id);
        if (shape) this.#patch(id, { x: shape.x + dx, y: shape.y + dy });
      }
    });
  }

  resizeShape(id: string, to: Bounds): void {
    const shape = this.getStoredShape(id);
    if (shape) this.updateShape(id, resizeShape(shape, to));
  }

  /**
   * Unbinds the ends of arrows among `ids` whose shapes are not among `ids` (they are about
   * to move on their own), leaving each end where it shows now.
   */
  detachArrows(ids: readonly string[]): void {
    const moving = new Set(ids);
    this.transact(() => {
      for (const id of ids) {
        const loose = TERMINALS.filter((t) => {
          const b = this.bindingOf(id, t);
          return b !== null && !moving.has(b.shapeId);
        });
        if (loose.length > 0) this.#unbindKeepingPlace(id, loose);
      }
    });
  }

  /** Deletes shapes; arrows bound to them stay where they are, unbound. */
  deleteShapes(ids: readonly string[]): void {
    const gone = new Set(ids);
    this.transact(() => {
      for (const id of ids) {
        for (const arrowId of this.#index.arrowsOf(id)) {
          if (gone.has(arrowId)) continue;
          const ends = TERMINALS.filter((t) => this.bindingOf(arrowId, t)?.shapeId === id);
          this.#unbindKeepingPlace(arrowId, ends);
        }
        for (const terminal of TERMINALS) this.bindingMap.delete(bindingKey(id, terminal));
      }
      for (const id of ids) this.shapeMaps.delete(id);
    });
  }

  /** Attaches an end of an arrow to a shape (replacing any binding of that end). */
  bind(binding: Binding): void {
    this.transact(() =>
      this.bindingMap.set(bindingKey(binding.arrowId, binding.terminal), writeBinding(binding)),
    );
  }

  /** Detaches an end of an arrow; it stays where it shows now. */
  unbind(arrowId: string, terminal: Terminal): void {
    if (!this.bindingMap.has(bindingKey(arrowId, terminal))) return;
    this.transact(() => this.#unbindKeepingPlace(arrowId, [terminal]));
  }

  /**
   * The Y.Text of a shape's text or label for live editing, turning a stored plain string into
   * one (boards from before Y.Text). Null when the shape is gone or read-only.
   */
  editableText(id: string, field: TextFieldName): Y.Text | null {
    const map = this.shapeMaps.get(id);
    if (!(map instanceof Y.Map)) return null;
    const current = map.get(field);
    if (current instanceof Y.Text) return current;
    return this.transact(() => editableText(map, field), null);
  }

  /** Copies of the shapes, offset, on top; returns the new ids in the same order. */
  duplicate(ids: readonly string[], offset = 24): string[] {
    return duplicateShapes(this, ids, offset);
  }

  bringToFront(ids: readonly string[]): void {
    const moving = this.#inOrder(ids);
    if (moving.length === 0) return;
    this.transact(() => {
      const keys = generateNKeysBetween(topIndex(this.shapeMaps, ids), null, moving.length);
      for (const [i, shape] of moving.entries()) this.#patch(shape.id, { index: keys[i]! });
    });
  }

  sendToBack(ids: readonly string[]): void {
    const moving = this.#inOrder(ids);
    if (moving.length === 0) return;
    this.transact(() => {
      const keys = generateNKeysBetween(null, bottomIndex(this.shapeMaps, ids), moving.length);
      for (const [i, shape] of moving.entries()) this.#patch(shape.id, { index: keys[i]! });
    });
  }

  /**
   * Makes the board equal to `version` (another board's document, only read) as one undoable
   * step of this user: the restore is a new change on top, which undo reverts.
   */
  restore(version: Y.Doc): RestoreSummary {
    this.stopCapturing();
    const summary = this.transact(() => restoreBoard(this.doc, version), {
      added: 0,
      removed: 0,
      changed: 0,
    });
    this.stopCapturing();
    return summary;
  }

  /** Ends the current undo step, so the next change is undone separately. */
  stopCapturing(): void {
    this.undoManager.stopCapturing();
  }

  #unbindKeepingPlace(arrowId: string, terminals: readonly Terminal[]): void {
    const shown = this.getShape(arrowId);
    if (shown && 'points' in shown) {
      const { x, y, w, h, points } = shown;
      this.#patch(arrowId, { x, y, w, h, points });
    }
    for (const terminal of terminals) this.bindingMap.delete(bindingKey(arrowId, terminal));
  }

  #patch(id: string, patch: Partial<Shape>): void {
    const map = this.shapeMaps.get(id);
    if (!(map instanceof Y.Map)) return;
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'id' || key === 'type' || value === undefined) continue;
      if (isTextField(key) && typeof value === 'string') {
        writeText(map, key, value);
        continue;
      }
      const current = map.get(key);
      if (current === value) continue;
      if (Array.isArray(value) && Array.isArray(current) && sameValues(value, current)) continue;
      map.set(key, value);
    }
  }

  #inOrder(ids: readonly string[]): Shape[] {
    return ids
      .map((id) => this.getStoredShape(id))
      .filter((s): s is Shape => s !== null)
      .sort(compareShapes);
  }
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);
