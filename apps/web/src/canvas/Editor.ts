import {
  type BoardModel,
  type Bounds,
  compareShapes,
  DEFAULT_STYLE,
  estimateTextWidth,
  type Point,
  type Shape,
} from '@drawbridge/board';
import { ShapeStore } from '../model/ShapeStore.js';
import { Emitter } from '../util/Emitter.js';
import { Camera } from './Camera.js';
import { EditorCommands } from './EditorCommands.js';
import { shapesBox } from './handles.js';
import { LiveEdits } from './LiveEdits.js';
import { ShapeQuery } from './ShapeQuery.js';
import { SpatialIndex } from './SpatialIndex.js';
import { TextEditing } from './TextEditing.js';
import type { Measure } from './textFit.js';
import { createTools } from './tools/createTools.js';
import type { Tool } from './tools/Tool.js';
import {
  type EditorState,
  type PointerInput,
  STICKY_TOOLS,
  type Style,
  type ToolId,
  VIEW_TOOLS,
} from './types.js';

export interface EditorOptions {
  measure?: Measure;
  now?: () => number;
  /** Timer used to throttle live writes; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const DRAWING_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>([
  'pen',
  'rect',
  'ellipse',
  'line',
  'arrow',
  'text',
  'sticky',
]);

const defaultSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * The editing session over one board: current tool, selection, style, camera, the spatial
 * index and in-progress gestures. It owns no DOM and no network: the canvas controller feeds
 * it board-space pointer input, React renders from `state`, the renderer reads the rest.
 *
 * Undo steps are delimited explicitly (`action`, `beginGesture`/`endGesture`), never by time,
 * so a slow drag is still one step and two quick clicks are two.
 */
export class Editor {
  readonly model: BoardModel;
  readonly store: ShapeStore;
  readonly index = new SpatialIndex();
  readonly camera = new Camera();
  readonly live: LiveEdits;
  readonly text: TextEditing;
  readonly commands: EditorCommands;
  readonly measure: Measure;
  readonly now: () => number;

  state: EditorState;
  /** React-visible state changed. */
  readonly stateChanged = new Emitter();
  /** The camera moved or zoomed. */
  readonly cameraChanged = new Emitter();
  /** Something on the canvas needs a redraw. */
  readonly invalidated = new Emitter();
  /** The local pointer moved over the board (presence). */
  readonly pointerMoved = new Emitter();

  // Render-only state: changes redraw the canvas but do not re-render React.
  hoverId: string | null = null;
  marquee: Bounds | null = null;
  readonly erasing = new Set<string>();
  /** Last pointer position over the canvas in board units; null when outside. */
  pointer: Point | null = null;

  readonly #tools: Record<ToolId, Tool>;
  readonly #query: ShapeQuery;
  readonly #cleanups: (() => void)[] = [];

  constructor(model: BoardModel, options: EditorOptions = {}) {
    this.model = model;
    this.measure = options.measure ?? estimateTextWidth;
    this.now = options.now ?? (() => performance.now());
    // Steps are delimited by stopCapturing around every action; merging by time would split a
    // slow drag into several steps.
    model.undoManager.captureTimeout = Number.POSITIVE_INFINITY;
    this.store = new ShapeStore(model);
    this.index.load(this.store.all());
    this.live = new LiveEdits(model, {
      now: this.now,
      schedule: options.schedule ?? defaultSchedule,
      onChange: () => this.invalidate(),
    });
    this.#query = new ShapeQuery(this.store, this.index, this.live.overrides);
    this.text = new TextEditing(this);
    this.commands = new EditorCommands(this);
    this.state = {
      tool: 'select',
      toolLocked: false,
      selection: [],
      style: { ...DEFAULT_STYLE },
      editing: null,
      canUndo: false,
      canRedo: false,
      readonly: model.readonly,
    };
    this.#tools = createTools(this);
    this.camera.onChange = () => {
      this.cameraChanged.emit();
      this.invalidate();
    };
    this.#cleanups.push(this.store.subscribe((ids) => this.#onShapesChanged(ids)));
    const onStack = () =>
      this.#setState({
        canUndo: model.undoManager.canUndo(),
        canRedo: model.undoManager.canRedo(),
      });
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) {
      model.undoManager.on(event, onStack);
      this.#cleanups.push(() => model.undoManager.off(event, onStack));
    }
  }

  destroy(): void {
    this.tool.cancel();
    this.live.end();
    for (const cleanup of this.#cleanups) cleanup();
    this.store.destroy();
    this.stateChanged.clear();
    this.cameraChanged.clear();
    this.invalidated.clear();
    this.pointerMoved.clear();
  }

  get tool(): Tool {
    return this.#tools[this.state.tool];
  }

  get selection(): readonly string[] {
    return this.state.selection;
  }

  /** View only: see `setReadonly`. */
  get readonly(): boolean {
    return this.state.readonly;
  }

  /**
   * Makes the board view only (or editable again). Read-only, the model ignores every write
   * (the one place all edits pass), any gesture or text edit in progress is dropped, and only
   * the select and hand tools remain, starting with the hand: a drag pans. Selection, pan,
   * zoom, presence and export keep working.
   */
  setReadonly(readonly: boolean): void {
    if (readonly === this.state.readonly) {
      this.model.readonly = readonly;
      return;
    }
    if (!readonly) {
      this.model.readonly = false;
      this.#setState({ readonly: false });
      return;
    }
    // First, so that nothing the cancelled gesture would still write reaches the document.
    this.model.readonly = true;
    this.tool.cancel();
    this.live.end();
    this.hoverId = null;
    this.marquee = null;
    this.#setState({ readonly: true, editing: null, toolLocked: false, tool: 'hand' });
  }

  invalidate(): void {
    this.invalidated.emit();
  }

  setState(patch: Partial<EditorState>): void {
    this.#setState(patch);
  }

  #setState(patch: Partial<EditorState>): void {
    this.state = { ...this.state, ...patch };
    this.stateChanged.emit();
    this.invalidate();
  }

  // ---- undo steps ----

  /** Runs `fn` as one undo step of its own. */
  action<T>(fn: () => T): T {
    this.model.stopCapturing();
    try {
      return fn();
    } finally {
      this.model.stopCapturing();
    }
  }

  beginGesture(): void {
    this.model.stopCapturing();
  }

  /** Ends a drag: final values go to the model and the step closes. */
  endGesture(): void {
    this.live.end();
    this.model.stopCapturing();
    this.invalidate();
  }

  undo(): void {
    if (this.readonly) return;
    this.cancelGesture();
    this.text.commit();
    this.model.stopCapturing();
    this.model.undo();
  }

  redo(): void {
    if (this.readonly) return;
    this.cancelGesture();
    this.text.commit();
    this.model.stopCapturing();
    this.model.redo();
  }

  // ---- tools ----

  setTool(tool: ToolId): void {
    if (this.readonly && !VIEW_TOOLS.has(tool)) return;
    if (tool === this.state.tool && !this.state.editing) return;
    this.tool.cancel();
    this.text.commit();
    this.hoverId = null;
    const clearSelection = DRAWING_TOOLS.has(tool) || tool === 'eraser';
    this.#setState({ tool, ...(clearSelection ? { selection: [] } : {}) });
  }

  toggleToolLock(): void {
    this.#setState({ toolLocked: !this.state.toolLocked });
  }

  /** After a tool created shapes: select them, and hand back to select unless told not to. */
  finishCreation(ids: readonly string[]): void {
    const keep = this.state.toolLocked || STICKY_TOOLS.has(this.state.tool);
    this.#setState({ selection: [...ids], ...(keep ? {} : { tool: 'select' as const }) });
  }

  pointerDown(input: PointerInput): void {
    this.#trackPointer(input);
    if (this.state.editing) {
      // A click away from the text being edited ends the edit, like the blur would.
      this.text.commit();
      return;
    }
    this.tool.down(input);
  }

  pointerMove(input: PointerInput): void {
    this.#trackPointer(input);
    this.tool.move(input);
  }

  pointerUp(input: PointerInput): void {
    this.#trackPointer(input);
    this.tool.up(input);
  }

  /** Abandons the current gesture; what was already written stays (and is one undo step). */
  cancelGesture(): void {
    this.tool.cancel();
    if (this.live.active) this.endGesture();
  }

  pointerLeave(): void {
    this.pointer = null;
    if (this.hoverId) {
      this.hoverId = null;
      this.invalidate();
    }
    this.pointerMoved.emit();
  }

  /** Double-click: edit a text or sticky, or start a new text on empty board. */
  doubleClick(p: Point): void {
    if (this.state.tool !== 'select' || this.readonly) return;
    const id = this.hitTest(p);
    const shape = id ? this.store.get(id) : undefined;
    if (shape && (shape.type === 'text' || shape.type === 'sticky')) this.text.edit(shape.id);
    else if (!shape) this.text.draft('text', p);
  }

  #trackPointer(p: Point): void {
    this.pointer = { x: p.x, y: p.y };
    this.pointerMoved.emit();
  }

  // ---- reading ----

  /** A shape as currently shown: the in-progress value during a gesture, else the model's. */
  getShape(id: string): Shape | undefined {
    return this.live.overrides.get(id) ?? this.store.get(id);
  }

  selectedShapes(): Shape[] {
    return this.state.selection
      .map((id) => this.getShape(id))
      .filter((s): s is Shape => s !== undefined)
      .sort(compareShapes);
  }

  selectionBox(): Bounds | null {
    return shapesBox(this.selectedShapes());
  }

  /** Shapes that may be visible in `area`, in paint order (gesture overrides included). */
  shapesIn(area: Bounds): Shape[] {
    return this.#query.shapesIn(area);
  }

  /** The topmost shape under a board point, with a tolerance in screen pixels. */
  hitTest(p: Point, tolerancePx = 6): string | null {
    return this.#query.hitTest(p, tolerancePx / this.camera.zoom);
  }

  /** Ids of shapes lying entirely inside `box`. */
  shapesInside(box: Bounds): string[] {
    return this.#query.shapesInside(box);
  }

  // ---- selection ----

  select(ids: readonly string[]): void {
    const unique = [...new Set(ids)].filter((id) => this.store.has(id));
    const current = this.state.selection;
    if (unique.length === current.length && unique.every((id, i) => id === current[i])) return;
    this.#setState({ selection: unique });
  }

  selectAll(): void {
    if (this.state.tool !== 'select' && this.state.tool !== 'hand') this.setTool('select');
    this.select(this.store.all().map((s) => s.id));
  }

  setHover(id: string | null): void {
    if (id === this.hoverId) return;
    this.hoverId = id;
    this.invalidate();
  }

  setStyleState(style: Style): void {
    this.#setState({ style });
  }

  #onShapesChanged(ids: ReadonlySet<string>): void {
    for (const id of ids) this.index.update(id, this.store.get(id));
    const selection = this.state.selection.filter((id) => this.store.has(id));
    if (selection.length !== this.state.selection.length) this.#setState({ selection });
    const editing = this.state.editing;
    if (
      editing &&
      !editing.isNew &&
      ids.has(editing.shape.id) &&
      !this.store.has(editing.shape.id)
    ) {
      // Someone deleted the shape being edited: there is nothing left to commit to.
      this.#setState({ editing: null });
    }
    this.invalidate();
  }
}
