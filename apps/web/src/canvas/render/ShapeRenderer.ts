import {
  arrowHead,
  FONT_FAMILY,
  LINE_HEIGHT,
  type Shape,
  STICKY_COLORS,
  STICKY_PADDING,
  type StickyShape,
  type TextShape,
} from '@drawbridge/board';
import type { Measure } from '../textFit.js';
import { type CanvasTheme, DEFAULT_INK } from './canvasTheme.js';
import { PathCache } from './PathCache.js';
import { TextLayout } from './TextLayout.js';

type Context = CanvasRenderingContext2D;

/** Text smaller than this on screen (device pixels) is drawn as bars. */
const GREEK_BELOW_PX = 4;

export interface DrawOptions {
  /** Draw the shape without its text (it is open in the text editor). */
  hideText?: boolean;
}

/**
 * Draws one shape in board units on a context already transformed to board space. The same
 * code draws the screen and the PNG export, and it follows what the SVG export writes.
 */
export class ShapeRenderer {
  readonly paths = new PathCache();
  readonly text: TextLayout;

  constructor(measure: Measure) {
    this.text = new TextLayout(measure);
  }

  invalidate(ids: Iterable<string>): void {
    const list = [...ids];
    this.paths.invalidate(list);
    this.text.invalidate(list);
  }

  draw(ctx: Context, shape: Shape, theme: CanvasTheme, options: DrawOptions = {}): void {
    const ink = shape.stroke === DEFAULT_INK ? theme.ink : shape.stroke;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    switch (shape.type) {
      case 'rect':
        ctx.beginPath();
        ctx.roundRect(shape.x, shape.y, shape.w, shape.h, Math.min(4, shape.w / 2, shape.h / 2));
        this.#paint(ctx, shape, ink);
        return;
      case 'ellipse':
        ctx.beginPath();
        ctx.ellipse(
          shape.x + shape.w / 2,
          shape.y + shape.h / 2,
          shape.w / 2,
          shape.h / 2,
          0,
          0,
          Math.PI * 2,
        );
        this.#paint(ctx, shape, ink);
        return;
      case 'line':
      case 'arrow': {
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = shape.points;
        ctx.beginPath();
        ctx.moveTo(shape.x + x1, shape.y + y1);
        ctx.lineTo(shape.x + x2, shape.y + y2);
        if (shape.type === 'arrow') {
          const [a, tip, b] = arrowHead(shape.points, shape.strokeWidth);
          ctx.moveTo(shape.x + a.x, shape.y + a.y);
          ctx.lineTo(shape.x + tip.x, shape.y + tip.y);
          ctx.lineTo(shape.x + b.x, shape.y + b.y);
        }
        this.#stroke(ctx, shape.strokeWidth, ink);
        return;
      }
      case 'pen': {
        const path = this.paths.get(shape);
        ctx.save();
        ctx.translate(shape.x, shape.y);
        ctx.fillStyle = ink;
        ctx.fill(path);
        ctx.restore();
        return;
      }
      case 'text':
        if (!options.hideText) this.#drawText(ctx, shape, ink, 0);
        return;
      case 'sticky':
        this.#drawSticky(ctx, shape, options);
        return;
    }
  }

  #paint(ctx: Context, shape: Shape, ink: string): void {
    if (shape.fill !== 'none') {
      ctx.fillStyle = shape.fill;
      ctx.fill();
    }
    this.#stroke(ctx, shape.strokeWidth, ink);
  }

  #stroke(ctx: Context, width: number, ink: string): void {
    if (width <= 0) return;
    ctx.lineWidth = width;
    ctx.strokeStyle = ink;
    ctx.stroke();
  }

  #drawSticky(ctx: Context, shape: StickyShape, options: DrawOptions): void {
    const radius = Math.min(6, shape.w / 2, shape.h / 2);
    // A soft offset shadow: cheap, unlike shadowBlur, on boards with many notes.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.07)';
    ctx.beginPath();
    ctx.roundRect(shape.x + 1, shape.y + 3, shape.w, shape.h, radius);
    ctx.fill();
    ctx.fillStyle = shape.fill === 'none' ? STICKY_COLORS[0] : shape.fill;
    ctx.beginPath();
    ctx.roundRect(shape.x, shape.y, shape.w, shape.h, radius);
    ctx.fill();
    // Notes are always light, so their text keeps its stored colour in both themes.
    if (!options.hideText) this.#drawText(ctx, shape, shape.stroke, STICKY_PADDING);
  }

  #drawText(ctx: Context, shape: TextShape | StickyShape, ink: string, pad: number): void {
    if (!shape.text) return;
    const lines = this.text.lines(shape);
    const lineHeight = shape.fontSize * LINE_HEIGHT;
    const screenSize = shape.fontSize * Math.hypot(ctx.getTransform().a, ctx.getTransform().b);
    if (screenSize < GREEK_BELOW_PX) {
      // Unreadably small: grey bars in place of the lines, far cheaper than fillText.
      ctx.globalAlpha *= 0.35;
      ctx.fillStyle = ink;
      for (const [i, line] of lines.entries()) {
        const width = this.text.width(shape.fontSize, line);
        ctx.fillRect(
          shape.x + pad,
          shape.y + pad + lineHeight * i + shape.fontSize * 0.3,
          width,
          shape.fontSize * 0.6,
        );
      }
      ctx.globalAlpha /= 0.35;
      return;
    }
    ctx.font = `${shape.fontSize}px ${FONT_FAMILY}`;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillStyle = ink;
    for (const [i, line] of lines.entries()) {
      ctx.fillText(line, shape.x + pad, shape.y + pad + lineHeight * i + shape.fontSize);
    }
  }
}
