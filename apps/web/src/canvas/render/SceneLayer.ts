import type { Bounds, Shape } from '@drawbridge/board';

/** Where the canvas looks: the camera (board units, CSS pixels) and the device pixel ratio. */
export interface LayerView {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
}

export interface LayerPainter {
  /** The shapes to draw in `area` (board units), bottom first. */
  query(area: Bounds): readonly Shape[];
  /** Draws one shape on a context transformed to board space. */
  paint(ctx: CanvasRenderingContext2D, shape: Shape): void;
}

/** A picture of the shapes, as rendered for one view; `covered` is the rendered part (device px). */
interface Picture {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  view: LayerView;
  covered: { x: number; y: number; w: number; h: number };
}

/** A picture being drawn a slice per frame. */
interface Progress {
  readonly view: LayerView;
  readonly shapes: readonly Shape[];
  next: number;
}

/** Extra area drawn around the viewport, as a fraction of its smaller side (CSS px). */
const MARGIN = 0.15;
/**
 * Time spent per frame drawing a picture in the background; rasterising what was drawn takes
 * about as long again, so a frame keeps within 60 Hz with the copy and the overlay.
 */
const SLICE_MS = 3;
/** Shapes drawn between clock reads. */
const CHECK_EVERY = 32;
/** A picture in progress for a zoom this far from the current one is restarted. */
const RESTART_ZOOM_RATIO = 1.5;

/** Gives a picture's pixels back (a canvas's memory goes with its size). */
function free(picture: Picture | null): void {
  if (!picture) return;
  picture.canvas.width = 0;
  picture.canvas.height = 0;
}

const sameScale = (a: LayerView, b: LayerView) => a.zoom === b.zoom && a.dpr === b.dpr;
const isWhole = (n: number) => Math.abs(n - Math.round(n)) < 1e-6;

/**
 * The shapes of the board as a picture that camera moves reuse. A frame after the content
 * changed draws the visible shapes into the picture at once, exactly as a direct draw would.
 * A frame after the camera moved only copies the picture: moved, and scaled while zooming;
 * meanwhile a new picture of the view (with a margin around it, for panning) is drawn a slice
 * per frame in the background, rasterised slice by slice, and replaces the old one when done.
 * A frame thus costs a copy plus a bounded slice however many shapes are on screen, and once
 * the camera rests the canvas shows exactly what a direct draw shows.
 */
export class SceneLayer {
  readonly #painter: LayerPainter;
  readonly #createCanvas: () => HTMLCanvasElement;
  #front: Picture | null = null;
  #back: Picture | null = null;
  #progress: Progress | null = null;
  /** The content changed since the front picture was drawn. */
  #stale = true;
  /** Forces a picture's recorded drawing to be rasterised now (a 1 px copy of it). */
  #probe: CanvasRenderingContext2D | null = null;

  readonly #now: () => number;

  constructor(
    painter: LayerPainter,
    options: { createCanvas?: () => HTMLCanvasElement; now?: () => number } = {},
  ) {
    this.#painter = painter;
    this.#createCanvas = options.createCanvas ?? (() => document.createElement('canvas'));
    this.#now = options.now ?? (() => performance.now());
  }

  /** The shapes (or how they are drawn) changed: the next frame draws them afresh. */
  invalidate(): void {
    this.#stale = true;
    this.#progress = null;
  }

  /**
   * Frees the picture kept for drawing the next one (the canvas has rested a while: a big
   * window's pictures are tens of megabytes each). The next camera move allocates it again.
   */
  trim(): void {
    if (this.#progress) return;
    free(this.#back);
    this.#back = null;
  }

  /** Frees the pictures (the canvas went away). */
  destroy(): void {
    free(this.#front);
    free(this.#back);
    this.#front = this.#back = null;
    this.#progress = null;
  }

  /**
   * Draws the shapes for `view` onto `target` (identity transform, device pixels). Returns true
   * while what it drew is not yet the exact picture: call again on the next frame.
   */
  draw(target: CanvasRenderingContext2D, view: LayerView): boolean {
    const front = this.#front;
    if (this.#stale || !front || !this.#fits(front, view)) {
      this.#drawNow(view);
      this.#blit(target, this.#front!, view);
      return false;
    }
    if (this.#exact(front, view)) {
      this.#progress = null;
      this.#blit(target, front, view);
      return false;
    }
    this.#advance(view);
    const shown = this.#front!;
    this.#blit(target, shown, view);
    return !this.#exact(shown, view);
  }

  /** Margin around the viewport, in whole device pixels. */
  #margin(view: LayerView): number {
    return Math.round(Math.min(view.width, view.height) * MARGIN * view.dpr);
  }

  /** The viewport's size in device pixels (as the canvas's backing store). */
  #viewport(view: LayerView): { w: number; h: number } {
    return {
      w: Math.max(1, Math.round(view.width * view.dpr)),
      h: Math.max(1, Math.round(view.height * view.dpr)),
    };
  }

  /** The picture's canvas still has the size this view needs. */
  #fits(picture: Picture, view: LayerView): boolean {
    const m = this.#margin(view);
    const { w, h } = this.#viewport(view);
    return picture.canvas.width === w + 2 * m && picture.canvas.height === h + 2 * m;
  }

  #picture(reuse: Picture | null, view: LayerView): Picture {
    if (reuse && this.#fits(reuse, view)) return reuse;
    const canvas = reuse?.canvas ?? this.#createCanvas();
    const m = this.#margin(view);
    const { w, h } = this.#viewport(view);
    canvas.width = w + 2 * m;
    canvas.height = h + 2 * m;
    const ctx = reuse?.ctx ?? canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    return { canvas, ctx, view, covered: { x: 0, y: 0, w: 0, h: 0 } };
  }

  /** Sets `ctx` to draw board units for `view` into a picture (margin included). */
  #toBoard(ctx: CanvasRenderingContext2D, view: LayerView): void {
    const m = this.#margin(view);
    const s = view.zoom * view.dpr;
    ctx.setTransform(s, 0, 0, s, m - view.x * s, m - view.y * s);
  }

  /** Draws the visible shapes into the front picture now (the content changed). */
  #drawNow(view: LayerView): void {
    const picture = this.#picture(this.#front, view);
    const { ctx, canvas } = picture;
    const m = this.#margin(view);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const { w, h } = this.#viewport(view);
    const covered = { x: m, y: m, w, h };
    // No clip: shapes across the viewport's edge spill into the margin, outside `covered`,
    // and the edge's pixels come out as a picture drawn in slices draws them.
    this.#toBoard(ctx, view);
    const area = { x: view.x, y: view.y, w: view.width / view.zoom, h: view.height / view.zoom };
    for (const shape of this.#painter.query(area)) this.#painter.paint(ctx, shape);
    picture.view = view;
    picture.covered = covered;
    this.#front = picture;
    this.#progress = null;
    this.#stale = false;
  }

  /** Draws the next slice of the picture in progress, starting one for `view` if need be. */
  #advance(view: LayerView): void {
    const started = this.#now();
    let progress = this.#progress;
    if (progress && !this.#worthFinishing(progress.view, view)) progress = null;
    if (!progress) {
      const m = this.#margin(view) / (view.zoom * view.dpr);
      const area = {
        x: view.x - m,
        y: view.y - m,
        w: view.width / view.zoom + 2 * m,
        h: view.height / view.zoom + 2 * m,
      };
      progress = { view, shapes: this.#painter.query(area), next: 0 };
      this.#progress = progress;
      this.#back = this.#picture(this.#back, view);
      const { ctx, canvas } = this.#back;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    }
    const back = this.#back!;
    const { ctx } = back;
    this.#toBoard(ctx, progress.view);
    const { shapes } = progress;
    const deadline = started + SLICE_MS;
    let i = progress.next;
    while (i < shapes.length) {
      this.#painter.paint(ctx, shapes[i]!);
      i++;
      if (i % CHECK_EVERY === 0 && this.#now() >= deadline) break;
    }
    progress.next = i;
    // Rasterise what this slice recorded now, not all at once when the picture is first shown.
    this.#rasterise(back.canvas);
    if (i < shapes.length) return;
    back.view = progress.view;
    back.covered = { x: 0, y: 0, w: back.canvas.width, h: back.canvas.height };
    this.#back = this.#front;
    this.#front = back;
    this.#progress = null;
  }

  /** A picture in progress for `target` still helps at `view`: close in zoom, same pixels. */
  #worthFinishing(target: LayerView, view: LayerView): boolean {
    if (target.dpr !== view.dpr || target.width !== view.width || target.height !== view.height) {
      return false;
    }
    const ratio = target.zoom / view.zoom;
    return ratio < RESTART_ZOOM_RATIO && ratio > 1 / RESTART_ZOOM_RATIO;
  }

  #rasterise(canvas: HTMLCanvasElement): void {
    if (!this.#probe) {
      const probe = this.#createCanvas();
      probe.width = probe.height = 1;
      this.#probe = probe.getContext('2d');
    }
    this.#probe?.drawImage(canvas, 0, 0, 1, 1, 0, 0, 1, 1);
  }

  /** Where the picture's pixel (0, 0) lands on the target for `view`, and its scale. */
  #placement(picture: Picture, view: LayerView): { dx: number; dy: number; k: number } {
    const from = picture.view;
    const s = view.zoom * view.dpr;
    const k = s / (from.zoom * from.dpr);
    const m = this.#margin(from) * k;
    return { dx: (from.x - view.x) * s - m, dy: (from.y - view.y) * s - m, k };
  }

  /** The picture shows `view` pixel for pixel: same scale, whole-pixel offset, all covered. */
  #exact(picture: Picture, view: LayerView): boolean {
    if (!sameScale(picture.view, view)) return false;
    const { dx, dy } = this.#placement(picture, view);
    if (!isWhole(dx) || !isWhole(dy)) return false;
    const c = picture.covered;
    const left = Math.round(dx) + c.x;
    const top = Math.round(dy) + c.y;
    const { w, h } = this.#viewport(view);
    return left <= 0 && top <= 0 && left + c.w >= w && top + c.h >= h;
  }

  #blit(target: CanvasRenderingContext2D, picture: Picture, view: LayerView): void {
    const c = picture.covered;
    if (c.w <= 0 || c.h <= 0) return;
    const { dx, dy, k } = this.#placement(picture, view);
    target.setTransform(1, 0, 0, 1, 0, 0);
    // Unscaled, at whole pixels: a copy, not a resampling.
    const x = k === 1 ? Math.round(dx) + c.x : dx + c.x * k;
    const y = k === 1 ? Math.round(dy) + c.y : dy + c.y * k;
    target.drawImage(picture.canvas, c.x, c.y, c.w, c.h, x, y, c.w * k, c.h * k);
  }
}
