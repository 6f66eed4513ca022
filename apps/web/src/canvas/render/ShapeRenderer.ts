import {
  centerOf,
  isBox,
  isSegment,
  type Shape,
  stickyFill,
  stickyRadius,
} from '@drawbridge/board';
import type { ImageSource } from '../../images/AssetLoader.js';
import type { Measure } from '../textFit.js';
import { type CanvasTheme, DEFAULT_INK } from './canvasTheme.js';
import { drawBox } from './drawBox.js';
import { drawImageShape, NO_IMAGES } from './drawImage.js';
import { drawSegment } from './drawSegment.js';
import { drawText } from './drawText.js';
import { PathCache } from './PathCache.js';
import { TextLayout } from './TextLayout.js';

type Context = CanvasRenderingContext2D;

export interface DrawOptions {
  /** Draw the shape without its text (it is open in the text editor). */
  hideText?: boolean;
}

/**
 * Draws one shape in board units on a context already transformed to board space: its
 * opacity and rotation around the shape, then the renderer for its kind (boxes, segments,
 * strokes, text and notes). The same code draws the screen and the PNG export, and it follows
 * the rules the SVG export writes by (packages/board: paint, route, textLayout).
 */
export class ShapeRenderer {
  readonly paths = new PathCache();
  readonly text: TextLayout;
  /** Where image shapes get their pictures (a board's `AssetLoader`). */
  readonly images: ImageSource;

  constructor(measure: Measure, images: ImageSource = NO_IMAGES) {
    this.text = new TextLayout(measure);
    this.images = images;
  }

  invalidate(ids: Iterable<string>): void {
    const list = [...ids];
    this.paths.invalidate(list);
    this.text.invalidate(list);
  }

  draw(ctx: Context, shape: Shape, theme: CanvasTheme, options: DrawOptions = {}): void {
    const ink = shape.stroke === DEFAULT_INK ? theme.ink : shape.stroke;
    const turned = shape.rotation !== 0;
    const faded = shape.opacity < 1;
    if (turned || faded) {
      ctx.save();
      if (faded) ctx.globalAlpha *= shape.opacity;
      if (turned) {
        const c = centerOf(shape);
        ctx.translate(c.x, c.y);
        ctx.rotate(shape.rotation);
        ctx.translate(-c.x, -c.y);
      }
    }
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    this.#drawKind(ctx, shape, ink, theme, options);
    if (turned || faded) ctx.restore();
  }

  #drawKind(ctx: Context, shape: Shape, ink: string, theme: CanvasTheme, options: DrawOptions) {
    const text = !options.hideText;
    if (isBox(shape)) {
      drawBox(ctx, shape, ink);
      if (text) drawText(ctx, shape, ink, this.text);
      return;
    }
    if (isSegment(shape)) {
      drawSegment(ctx, shape, ink);
      if (text) drawText(ctx, shape, ink, this.text, theme.background);
      return;
    }
    switch (shape.type) {
      case 'image':
        drawImageShape(ctx, shape, this.images, theme);
        return;
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
        if (text) drawText(ctx, shape, ink, this.text);
        return;
      case 'sticky': {
        const radius = stickyRadius(shape);
        // A soft offset shadow: cheap, unlike shadowBlur, on boards with many notes.
        ctx.fillStyle = 'rgba(0, 0, 0, 0.07)';
        ctx.beginPath();
        ctx.roundRect(shape.x + 1, shape.y + 3, shape.w, shape.h, radius);
        ctx.fill();
        ctx.fillStyle = stickyFill(shape);
        ctx.beginPath();
        ctx.roundRect(shape.x, shape.y, shape.w, shape.h, radius);
        ctx.fill();
        // Notes are always light, so their text keeps its stored colour in both themes.
        if (text) drawText(ctx, shape, shape.stroke, this.text);
        return;
      }
    }
  }
}
