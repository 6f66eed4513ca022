import {
  type BoardModel,
  type Bounds,
  compareShapes,
  estimateTextWidth,
  isSegment,
  type Point,
  type Shape,
  shapeBounds,
} from '@drawbridge/board';
import { ShapeStore } from '../model/ShapeStore.js';
import { Emitter } from '../util/Emitter.js';
import { ArrowBinder } from './ArrowBinder.js';
import { Camera } from './Camera.js';
import { ArrangeCommands } from './commands/ArrangeCommands.js';
import { EditorCommands } from './commands/EditorCommands.js';
import { defaultSchedule, type EditorOptions, INITIAL_STYLE } from './editorDefaults.js';
import { GroupFocus } from './GroupFocus.js';
import { shapesBox } from './handles.js';
import { LaserTrail } from './LaserTrail.js';
import { LiveEdits } from './LiveEdits.js';
import { PeerLayer } from './PeerLayer.js';
import { ShapeQuery } from './ShapeQuery.js';
import { SpatialIndex } from './SpatialIndex.js';
import { TextEditing } from './TextEditing.js';
import { ToolRouter } from './ToolRouter.js';
import type { Measure } from './textFit.js';
import type { ToolId } from './tools/registry.js';
import type { Tool } from './tools/Tool.js';
import type { ImagePicker, ToolHost } from './tools/ToolHost.js';
import type { EditorState, OverlayState, PointerInput, Style } from './types.js';

/**
 * The editing session over one board: current tool, selection, style, camera, the spatial
 * index and in-progress gestures. It owns no DOM and no network: the canvas controller feeds
 * it board-space pointer input, React renders from `state`, the renderer reads the rest.
 * Tools see it through the narrow ToolHost interface.
 *
 * Undo steps are delimited explicitly (`action`, `beginGesture`/`endGesture`), never by time,
 * so a slow drag is still one step and two quick clicks are two.
 */
export class Editor implements ToolHost {
  readonly model: BoardModel;
  readonly store: ShapeStore;
  readonly index = new SpatialIndex();
  readonly camera = new Camera();
  readonly live: LiveEdits;
  readonly text: TextEditing;
  readonly commands: EditorCommands;
  readonly arrange: ArrangeCommands;
  /** Selection and the groups entered. */
  readonly groups: GroupFocus;
  readonly binder: ArrowBinder;
  readonly laser: LaserTrail;
  readonly peers: PeerLayer;
  readonly measure: Measure;
  readonly now: () => number;

  state: EditorState;
  /** React-visible state changed. */
  readonly stateChanged = new Emitter();
  /** The camera moved or zoomed. */
  readonly cameraChanged = new Emitter();
  /** Something on the canvas needs a redraw: the shapes or how they are drawn may have changed. */
  readonly invalidated = new Emitter();
  /** Only what is drawn over the shapes changed (other people's selections, laser trails). */
  readonly overlayChanged = new Emitter();
  /** The local pointer moved over the board (presence). */
  readonly pointerMoved = new Emitter();

  /** Render-only state: changes redraw the canvas but do not re-render React. */
  readonly overlay: OverlayState = {
    hoverId: null,
    marquee: null,
    erasing: new Set(),
    guides: [],
    bindTarget: null,
    found: null,
  };
  /** Last pointer position over the canvas in board units; null when outside. */
  pointer: Point | null = null;
  /** Set by the app (the editor owns no DOM): the image tool's file picker. */
  images: ImagePicker = { pick: () => {} };

  readonly #router: ToolRouter;
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
    this.binder = new ArrowBinder(this);
    this.live = new LiveEdits(model, {
      now: this.now,
      schedule: options.schedule ?? defaultSchedule,
      onChange: () => this.invalidate(),
      derive: (overrides) => this.binder.follow(overrides),
    });
    this.#query = new ShapeQuery(this.store, this.index, this.live.shown);
    this.text = new TextEditing(this);
    this.commands = new EditorCommands(this);
    this.arrange = new ArrangeCommands(this);
    this.groups = new GroupFocus(this);
    this.laser = new LaserTrail(this.now, () => this.overlayChanged.emit());
    this.peers = new PeerLayer(() => this.overlayChanged.emit());
    this.state = {
      tool: 'select',
      toolLocked: false,
      selection: [],
      focus: [],
      style: { ...INITIAL_STYLE },
      editing: null,
      canUndo: false,
      canRedo: false,
      readonly: model.readonly,
    };
    this.#router = new ToolRouter(this);
    // The canvas redraws on cameraChanged too; a camera move alone reuses the drawn shapes.
    this.camera.onChange = () => this.cameraChanged.emit();
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
    for (const emitter of [
      this.stateChanged,
      this.cameraChanged,
      this.invalidated,
      this.overlayChanged,
    ]) {
      emitter.clear();
    }
    this.pointerMoved.clear();
    this.laser.changed.clear();
  }

  get tool(): Tool {
    return this.#router.tool;
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
   * the tools flagged view-only remain, starting with the hand: a drag pans. Selection, pan,
   * zoom, presence, the laser and export keep working.
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
    this.overlay.hoverId = null;
    this.overlay.marquee = null;
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
    // Shapes are drawn by `editing` alone (a typed shape's text is hidden, a new one's draft
    // shown); the selection and the rest only change what is drawn over them.
    if ('editing' in patch) this.invalidate();
    else this.overlayChanged.emit();
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

  /** Undo; while typing in an existing text, this undoes typing and keeps the editor open. */
  undo(): void {
    this.#history(() => this.model.undo());
  }

  redo(): void {
    this.#history(() => this.model.redo());
  }

  #history(step: () => void): void {
    if (this.readonly) return;
    this.cancelGesture();
    if (this.state.editing?.isNew) this.text.commit();
    this.model.stopCapturing();
    step();
  }

  // ---- tools and pointer input (see ToolRouter) ----

  setTool = (tool: ToolId): void => this.#router.setTool(tool);
  toggleToolLock = (): void => this.setState({ toolLocked: !this.state.toolLocked });
  finishCreation = (ids: readonly string[]): void => this.#router.finishCreation(ids);
  pointerDown = (input: PointerInput): void => this.#router.down(input);
  pointerMove = (input: PointerInput): void => this.#router.move(input);
  pointerUp = (input: PointerInput): void => this.#router.up(input);
  pointerLeave = (): void => this.#router.leave();
  /** Abandons the current gesture; what was already written stays (and is one undo step). */
  cancelGesture = (): void => this.#router.cancel();
  /**
   * Double-click: on a group, enter it and select the shape under the pointer; on a shape
   * with text or a label (inside an unfilled box included), edit it; on the empty board, start
   * a new text.
   */
  doubleClick = (p: Point): void => this.groups.doubleClick(p);

  // ---- reading ----

  /** A shape as currently shown: the in-progress value during a gesture, else the model's. */
  getShape(id: string): Shape | undefined {
    return this.live.shown.get(id) ?? this.store.get(id);
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

  /** Shapes that may be visible in `area`, in paint order (gesture values included). */
  shapesIn(area: Bounds): Shape[] {
    return this.#query.shapesIn(area);
  }

  /** The topmost unlocked shape under a board point, with a tolerance in screen pixels. */
  hitTest(p: Point, tolerancePx = 6, locked = false): string | null {
    return this.#query.hitTest(p, tolerancePx / this.camera.zoom, locked);
  }

  /** Ids of unlocked shapes lying entirely inside `box`. */
  shapesInside(box: Bounds): string[] {
    return this.#query.shapesInside(box);
  }

  /** Outline boxes of the shapes in view, except `exclude` and lines: what others snap to. */
  snapTargets(exclude: ReadonlySet<string>): Bounds[] {
    return this.shapesIn(this.camera.viewportBounds())
      .filter((s) => !exclude.has(s.id) && !isSegment(s))
      .map(shapeBounds);
  }

  // ---- selection ----

  select(ids: readonly string[]): void {
    this.groups.select(ids);
  }

  selectAll(): void {
    this.groups.selectAll();
  }

  /** Escape inside a group: up one level, selecting the group just left. */
  exitGroup(): boolean {
    return this.groups.exit();
  }

  setHover(id: string | null): void {
    if (id === this.overlay.hoverId) return;
    this.overlay.hoverId = id;
    this.overlayChanged.emit();
  }

  setStyleState(style: Style): void {
    this.#setState({ style });
  }

  #onShapesChanged(ids: ReadonlySet<string>): void {
    for (const id of ids) this.index.update(id, this.store.get(id));
    const selection = this.state.selection.filter((id) => this.store.get(id)?.locked === false);
    if (selection.length !== this.state.selection.length) this.#setState({ selection });
    const editing = this.state.editing;
    if (editing && !editing.isNew && ids.has(editing.shapeId) && !this.store.has(editing.shapeId)) {
      // Someone deleted the shape being edited: there is nothing left to edit.
      this.#setState({ editing: null });
    }
    this.invalidate();
  }
}
