import type { Editor } from './Editor.js';
import type { CanvasTheme } from './render/canvasTheme.js';
import { SceneLayer } from './render/SceneLayer.js';
import { drawBackdrop, drawOverShapes, paintShape } from './render/SceneRenderer.js';
import type { ShapeRenderer } from './render/ShapeRenderer.js';

/** A canvas at rest this long gives back the memory of the layer's second picture. */
const TRIM_AFTER_MS = 3000;

/**
 * Redraws the canvas on the next animation frame after something changed, and only then: an
 * idle board costs nothing. Keeps the backing store at the device pixel ratio. The shapes go
 * through a `SceneLayer`: a frame after a pan or zoom reuses what was drawn, so it costs about
 * the same with 10,000 shapes on screen as with ten.
 */
export class RenderLoop {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #editor: Editor;
  readonly #shapes: ShapeRenderer;
  readonly #layer: SceneLayer;
  #theme: CanvasTheme;
  #grid = true;
  #frame: number | null = null;
  #state: 'drawing' | 'settled' | null = null;
  #trimTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #cleanups: (() => void)[] = [];

  constructor(
    canvas: HTMLCanvasElement,
    editor: Editor,
    shapes: ShapeRenderer,
    theme: CanvasTheme,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.#canvas = canvas;
    this.#ctx = ctx;
    this.#editor = editor;
    this.#shapes = shapes;
    this.#theme = theme;
    this.#layer = new SceneLayer({
      query: (area) => editor.shapesIn(area),
      paint: (target, shape) => paintShape(target, editor, shapes, this.#theme, shape),
    });
    this.#cleanups.push(editor.invalidated.subscribe(this.redraw));
    this.#cleanups.push(editor.cameraChanged.subscribe(this.request));
    this.#cleanups.push(editor.overlayChanged.subscribe(this.request));
    this.#cleanups.push(
      editor.store.subscribe((ids) => {
        // Caches are checked by content; only shapes that are gone need dropping. (The editor
        // invalidates the canvas on every shape change.)
        shapes.invalidate([...ids].filter((id) => !editor.store.has(id)));
      }),
    );
    const observer = new ResizeObserver(() => this.#resize());
    observer.observe(canvas);
    this.#cleanups.push(() => observer.disconnect());
    this.#resize();
  }

  destroy(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#trimTimer !== null) clearTimeout(this.#trimTimer);
    for (const cleanup of this.#cleanups) cleanup();
    this.#layer.destroy();
  }

  setTheme(theme: CanvasTheme): void {
    this.#theme = theme;
    this.redraw();
  }

  /** Shows or hides the dot grid (drawn under the shapes each frame). */
  setGrid(grid: boolean): void {
    if (grid === this.#grid) return;
    this.#grid = grid;
    this.request();
  }

  /** A frame soon, drawn from what the layer holds where it can (a camera or overlay change). */
  readonly request = () => {
    if (this.#frame !== null) return;
    this.#frame = requestAnimationFrame(this.#draw);
    this.#mark('drawing');
  };

  /** A frame soon that draws the shapes afresh (they, or how they look, changed). */
  readonly redraw = () => {
    this.#layer.invalidate();
    this.request();
  };

  #resize(): void {
    const rect = this.#canvas.getBoundingClientRect();
    this.#editor.camera.setViewport(rect.width, rect.height);
    this.request();
  }

  readonly #draw = () => {
    this.#frame = null;
    const dpr = window.devicePixelRatio || 1;
    const { camera } = this.#editor;
    const pixelWidth = Math.max(1, Math.round(camera.width * dpr));
    const pixelHeight = Math.max(1, Math.round(camera.height * dpr));
    if (this.#canvas.width !== pixelWidth || this.#canvas.height !== pixelHeight) {
      this.#canvas.width = pixelWidth;
      this.#canvas.height = pixelHeight;
    }
    const ctx = this.#ctx;
    drawBackdrop(ctx, this.#editor, this.#theme, dpr, this.#grid);
    const view = {
      x: camera.x,
      y: camera.y,
      zoom: camera.zoom,
      width: camera.width,
      height: camera.height,
      dpr,
    };
    const refining = this.#layer.draw(ctx, view);
    const animating = drawOverShapes(ctx, this.#editor, this.#shapes, this.#theme, dpr);
    // A laser trail fades frame by frame, and the layer refines what a camera move showed
    // scaled; otherwise an idle board costs nothing.
    if (animating || refining) this.request();
    else this.#mark('settled');
  };

  /**
   * `data-render` on the canvas: `drawing` while a frame is due, `settled` once the canvas
   * shows exactly the board as it is (what tests wait for before reading pixels).
   */
  #mark(state: 'drawing' | 'settled'): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#canvas.dataset.render = state;
    if (this.#trimTimer !== null) clearTimeout(this.#trimTimer);
    this.#trimTimer =
      state === 'settled' ? setTimeout(() => this.#layer.trim(), TRIM_AFTER_MS) : null;
  }
}
