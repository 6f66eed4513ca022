import { FONT_FAMILY, placeText, type Shape } from '@drawbridge/board';
import type { TextLayout } from './TextLayout.js';

type Context = CanvasRenderingContext2D;

/** Text smaller than this on screen (device pixels) is drawn as bars. */
const GREEK_BELOW_PX = 4;

/**
 * A shape's text or label, placed by the shared layout rules (wrapped, aligned, centred in
 * boxes, at the middle of lines). `backdrop` paints a patch behind it (segment labels).
 */
export function drawText(
  ctx: Context,
  shape: Shape,
  ink: string,
  layout: TextLayout,
  backdrop?: string,
): void {
  const lines = layout.lines(shape);
  if (lines.length === 0 || !('fontSize' in shape)) return;
  const placed = placeText(shape, lines, (line) => layout.width(shape.fontSize, line));
  if (!placed) return;
  if (backdrop) {
    ctx.fillStyle = backdrop;
    ctx.beginPath();
    ctx.roundRect(placed.box.x, placed.box.y, placed.box.w, placed.box.h, 4);
    ctx.fill();
  }
  const { fontSize } = placed;
  const transform = ctx.getTransform();
  const screenSize = fontSize * Math.hypot(transform.a, transform.b);
  ctx.fillStyle = ink;
  if (screenSize < GREEK_BELOW_PX) {
    // Unreadably small: faint bars in place of the lines, far cheaper than fillText.
    ctx.globalAlpha *= 0.35;
    for (const [i, line] of lines.entries()) {
      const width = layout.width(fontSize, line);
      const left =
        placed.align === 'left'
          ? placed.anchorX
          : placed.align === 'right'
            ? placed.anchorX - width
            : placed.anchorX - width / 2;
      ctx.fillRect(left, placed.baselines[i]! - fontSize * 0.7, width, fontSize * 0.6);
    }
    ctx.globalAlpha /= 0.35;
    return;
  }
  ctx.font = `${fontSize}px ${FONT_FAMILY}`;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = placed.align;
  for (const [i, line] of lines.entries()) ctx.fillText(line, placed.anchorX, placed.baselines[i]!);
  ctx.textAlign = 'left';
}
