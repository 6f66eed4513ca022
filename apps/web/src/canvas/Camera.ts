import type { Bounds, Point } from '@drawbridge/board';

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;
/** Zoom-to-fit never magnifies past 100%: a single small shape should not fill the screen. */
export const FIT_MAX_ZOOM = 1;

const clampZoom = (zoom: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));

/**
 * The view onto the infinite board: (x, y) is the board point at the viewport's top-left and
 * `zoom` the screen pixels per board unit. Screen points are CSS pixels relative to the canvas.
 */
export class Camera {
  x = 0;
  y = 0;
  zoom = 1;
  /** Viewport size in CSS pixels. */
  width = 0;
  height = 0;
  /** Called after every change, so the owner can redraw. */
  onChange: () => void = () => {};

  screenToBoard(p: Point): Point {
    return { x: p.x / this.zoom + this.x, y: p.y / this.zoom + this.y };
  }

  boardToScreen(p: Point): Point {
    return { x: (p.x - this.x) * this.zoom, y: (p.y - this.y) * this.zoom };
  }

  /** The board area visible in the viewport. */
  viewportBounds(): Bounds {
    return { x: this.x, y: this.y, w: this.width / this.zoom, h: this.height / this.zoom };
  }

  setViewport(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.onChange();
  }

  /** Puts the board point (x, y) at the viewport's top-left, at `zoom`. */
  setView(x: number, y: number, zoom: number): void {
    const next = clampZoom(zoom);
    if (x === this.x && y === this.y && next === this.zoom) return;
    this.x = x;
    this.y = y;
    this.zoom = next;
    this.onChange();
  }

  /**
   * Shows `area` (board) as large as fits, centred, at any zoom in range: following someone
   * shows what they see, whatever the two windows' sizes.
   */
  show(area: Bounds): void {
    if (this.width <= 0 || this.height <= 0 || area.w <= 0 || area.h <= 0) return;
    const zoom = clampZoom(Math.min(this.width / area.w, this.height / area.h));
    this.setView(
      area.x + area.w / 2 - this.width / 2 / zoom,
      area.y + area.h / 2 - this.height / 2 / zoom,
      zoom,
    );
  }

  /** Pans by a distance in screen pixels (content follows the pointer). */
  panBy(dx: number, dy: number): void {
    if (dx === 0 && dy === 0) return;
    this.x -= dx / this.zoom;
    this.y -= dy / this.zoom;
    this.onChange();
  }

  /** Sets the zoom keeping the board point under `anchor` (screen) where it is. */
  zoomAt(zoom: number, anchor: Point = this.center()): void {
    const next = clampZoom(zoom);
    if (next === this.zoom) return;
    const fixed = this.screenToBoard(anchor);
    this.zoom = next;
    this.x = fixed.x - anchor.x / next;
    this.y = fixed.y - anchor.y / next;
    this.onChange();
  }

  /** Steps to the next zoom level up or down (buttons and +/- keys). */
  zoomStep(direction: 1 | -1, anchor?: Point): void {
    this.zoomAt(direction > 0 ? this.zoom * 1.25 : this.zoom / 1.25, anchor);
  }

  /** Centres `bounds` in the viewport with `padding` screen pixels around it. */
  fit(bounds: Bounds, padding = 48): void {
    const availableW = Math.max(1, this.width - padding * 2);
    const availableH = Math.max(1, this.height - padding * 2);
    const zoom = clampZoom(
      Math.min(
        FIT_MAX_ZOOM,
        bounds.w > 0 ? availableW / bounds.w : FIT_MAX_ZOOM,
        bounds.h > 0 ? availableH / bounds.h : FIT_MAX_ZOOM,
      ),
    );
    this.zoom = zoom;
    this.x = bounds.x + bounds.w / 2 - this.width / 2 / zoom;
    this.y = bounds.y + bounds.h / 2 - this.height / 2 / zoom;
    this.onChange();
  }

  center(): Point {
    return { x: this.width / 2, y: this.height / 2 };
  }
}
