import type { Editor } from './Editor.js';
import type { CanvasTheme } from './render/canvasTheme.js';
import { renderScene } from './render/SceneRenderer.js';
import type { ShapeRenderer } from './render/ShapeRenderer.js';

/**
 * Redraws the canvas on the next animation frame after something changed, and only then: an
 * idle board costs nothing. Keeps the backing store at the device pixel ratio.
 */
export class RenderLoop {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #editor: Editor;
  readonly #shapes: ShapeRenderer;
  #theme: CanvasTheme;
  #grid = true;
  #frame: number | null = null;
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
    this.#cleanups.push(editor.invalidated.subscribe(this.request));
    this.#cleanups.push(
      editor.store.subscribe((ids) => {
        // Caches are checked by content; only shapes that are gone need dropping.
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
    for (const cleanup of this.#cleanups) cleanup();
  }

  setTheme(theme: CanvasTheme): void {
    this.#theme = theme;
    this.request();
  }

  /** Shows or hides the dot grid. */
  setGrid(grid: boolean): void {
    if (grid === this.#grid) return;
    this.#grid = grid;
    this.request();
  }

  readonly request = () => {
    this.#frame ??= requestAnimationFrame(this.#draw);
  };

  #resize(): void {
    const rect = this.#canvas.getBoundingClientRect();
    this.#editor.camera.setViewport(rect.width, rect.height);
    this.request();
  }

  readonly #draw = () => {
    this.#frame = null;
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = this.#editor.camera;
    const pixelWidth = Math.max(1, Math.round(width * dpr));
    const pixelHeight = Math.max(1, Math.round(height * dpr));
    if (this.#canvas.width !== pixelWidth || this.#canvas.height !== pixelHeight) {
      this.#canvas.width = pixelWidth;
      this.#canvas.height = pixelHeight;
    }
    const animating = renderScene(
      this.#ctx,
      this.#editor,
      this.#shapes,
      this.#theme,
      dpr,
      this.#grid,
    );
    // A laser trail fades frame by frame; an idle board still costs nothing.
    if (animating) this.request();
  };
}
