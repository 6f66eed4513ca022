import type * as Y from 'yjs';
import type { BindingIndex } from './BindingIndex.js';

export interface Change {
  /**
   * Ids of shapes added, changed or removed, and of arrows bound to those or whose bindings
   * changed; all shapes when the whole board was replaced.
   */
  ids: Set<string>;
  /** True when the change came from this model (local edit, undo, redo). */
  local: boolean;
  nameChanged: boolean;
}

interface Source {
  readonly doc: Y.Doc;
  readonly meta: Y.Map<unknown>;
  readonly shapeMaps: Y.Map<Y.Map<unknown>>;
  readonly bindingMap: Y.Map<unknown>;
  readonly origin: object;
  readonly undoManager: Y.UndoManager;
}

type Pending = { ids: Set<string>; nameChanged: boolean; bindingKeys: Set<string> };

/**
 * Turns a transaction's events into one Change for every listener. Deep observers collect what
 * changed; once they all ran (afterTransaction), the binding index is brought up to date and
 * arrows bound to changed shapes are added, so they are re-read with their shapes.
 */
export class BoardChanges {
  readonly #source: Source;
  readonly #index: BindingIndex;
  readonly #listeners = new Set<(change: Change) => void>();
  #pending: Pending | null = null;

  constructor(source: Source, index: BindingIndex) {
    this.#source = source;
    this.#index = index;
    source.meta.observeDeep(this.#onMeta);
    source.shapeMaps.observeDeep(this.#onShapes);
    source.bindingMap.observe(this.#onBindings);
    source.doc.on('afterTransaction', this.#flush);
  }

  destroy(): void {
    const source = this.#source;
    source.meta.unobserveDeep(this.#onMeta);
    source.shapeMaps.unobserveDeep(this.#onShapes);
    source.bindingMap.unobserve(this.#onBindings);
    source.doc.off('afterTransaction', this.#flush);
    this.#listeners.clear();
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #take(): Pending {
    this.#pending ??= { ids: new Set(), nameChanged: false, bindingKeys: new Set() };
    return this.#pending;
  }

  readonly #onMeta = () => {
    this.#take().nameChanged = true;
  };

  readonly #onShapes = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    const pending = this.#take();
    for (const event of events) {
      if (event.target === this.#source.shapeMaps) {
        for (const key of (event as Y.YMapEvent<unknown>).keysChanged) pending.ids.add(key);
      } else {
        // A field (or the text of a field) of one shape: its id is the first step of the path.
        const id = event.path[0];
        if (typeof id === 'string') pending.ids.add(id);
      }
    }
  };

  readonly #onBindings = (event: Y.YMapEvent<unknown>) => {
    const pending = this.#take();
    for (const key of event.keysChanged) pending.bindingKeys.add(key);
  };

  readonly #flush = (transaction: Y.Transaction) => {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    const { bindingMap, origin, undoManager } = this.#source;
    const ids = pending.ids;
    for (const key of pending.bindingKeys) {
      this.#index.refresh(key, bindingMap.get(key));
      const arrowId = key.slice(0, key.lastIndexOf(':'));
      if (arrowId) ids.add(arrowId);
    }
    for (const id of [...ids]) for (const arrow of this.#index.arrowsOf(id)) ids.add(arrow);
    const local = transaction.origin === origin || transaction.origin === undoManager;
    const change: Change = { ids, local, nameChanged: pending.nameChanged };
    for (const listener of [...this.#listeners]) listener(change);
  };
}
