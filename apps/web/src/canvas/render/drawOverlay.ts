import { isSegment, rotatedCorners, type Shape } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { selectionFrame, selectionHandles } from '../handles.js';
import type { CanvasTheme } from './canvasTheme.js';
import { strokeBox, strokeOutline } from './outline.js';

const HANDLE_SIZE_PX = 8;

/**
 * Selection frames and handles, hover and bind-target outlines, Find's match, snapping
 * guides and the marquee, in board space; sizes are divided by the zoom so they stay the same
 * on screen.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, editor: Editor, theme: CanvasTheme) {
  const zoom = editor.camera.zoom;
  const px = 1 / zoom;
  const { overlay } = editor;
  ctx.lineCap = 'butt';
  ctx.lineJoin = 'miter';

  const hover = overlay.hoverId ? editor.getShape(overlay.hoverId) : undefined;
  if (hover) {
    ctx.globalAlpha = 0.5;
    strokeOutline(ctx, hover, theme.accent, px, hover.strokeWidth / 2 + px);
    ctx.globalAlpha = 1;
  }
  const target = overlay.bindTarget ? editor.getShape(overlay.bindTarget) : undefined;
  if (target) strokeOutline(ctx, target, theme.accent, px * 3, target.strokeWidth / 2 + 3 * px);
  const found = overlay.found ? editor.getShape(overlay.found) : undefined;
  if (found) strokeOutline(ctx, found, '#f08c00', px * 3, found.strokeWidth / 2 + 6 * px);

  const selected = editor.selectedShapes();
  if (selected.length > 0 && !editor.state.editing) {
    drawSelection(ctx, selected, theme, zoom, !editor.readonly);
  }

  if (overlay.guides.length > 0) {
    ctx.strokeStyle = '#e03131';
    ctx.lineWidth = px;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.beginPath();
    for (const g of overlay.guides) {
      if (g.axis === 'x') {
        ctx.moveTo(g.at, g.from);
        ctx.lineTo(g.at, g.to);
      } else {
        ctx.moveTo(g.from, g.at);
        ctx.lineTo(g.to, g.at);
      }
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  if (overlay.marquee) {
    const m = overlay.marquee;
    ctx.fillStyle = theme.marqueeFill;
    ctx.fillRect(m.x, m.y, m.w, m.h);
    strokeBox(ctx, m, theme.accent, px);
  }
}

function drawSelection(
  ctx: CanvasRenderingContext2D,
  selected: Shape[],
  theme: CanvasTheme,
  zoom: number,
  withHandles: boolean,
): void {
  const px = 1 / zoom;
  const only = selected.length === 1 ? selected[0] : undefined;
  const segment = only !== undefined && isSegment(only);
  if (selected.length > 1) {
    ctx.globalAlpha = 0.45;
    for (const shape of selected) strokeOutline(ctx, shape, theme.accent, px, 0);
    ctx.globalAlpha = 1;
  }
  const frame = selectionFrame(selected, zoom);
  if (frame && !segment) {
    const [first, ...rest] = rotatedCorners(frame.padded, frame.rotation);
    ctx.strokeStyle = theme.accent;
    ctx.lineWidth = px * 1.5;
    ctx.beginPath();
    ctx.moveTo(first.x, first.y);
    for (const p of rest) ctx.lineTo(p.x, p.y);
    ctx.closePath();
    ctx.stroke();
  }
  if (!withHandles) {
    // Read-only: a segment has no frame, so outline it instead of its (absent) end handles.
    if (segment && only) strokeOutline(ctx, only, theme.accent, px, only.strokeWidth / 2 + px);
    return;
  }
  const size = HANDLE_SIZE_PX * px;
  ctx.lineWidth = 1.5 * px;
  ctx.strokeStyle = theme.accent;
  ctx.fillStyle = theme.handleFill;
  for (const handle of selectionHandles(selected, zoom)) {
    ctx.beginPath();
    const round = segment || handle.id === 'rotate';
    if (round)
      ctx.arc(handle.x, handle.y, size * (handle.id === 'bend' ? 0.45 : 0.6), 0, Math.PI * 2);
    else ctx.roundRect(handle.x - size / 2, handle.y - size / 2, size, size, 2 * px);
    ctx.fill();
    ctx.stroke();
  }
}
