import { type Shape, visualBounds } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { selectionFrame, selectionHandles } from '../handles.js';
import type { CanvasTheme } from './canvasTheme.js';

const HANDLE_SIZE_PX = 8;

/**
 * Selection frames and handles, hover outline and marquee, in board space; sizes are divided
 * by the zoom so they stay the same on screen.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, editor: Editor, theme: CanvasTheme) {
  const zoom = editor.camera.zoom;
  const px = 1 / zoom;
  ctx.lineCap = 'butt';
  ctx.lineJoin = 'miter';

  if (editor.hoverId) {
    const shape = editor.getShape(editor.hoverId);
    if (shape) {
      ctx.globalAlpha = 0.5;
      strokeBox(ctx, visualBounds(shape), theme.accent, px);
      ctx.globalAlpha = 1;
    }
  }

  const selected = editor.selectedShapes();
  const editingId = editor.state.editing?.shape.id;
  if (selected.length > 0 && !editingId) {
    drawSelection(ctx, selected, theme, zoom, !editor.readonly);
  }

  if (editor.marquee) {
    const m = editor.marquee;
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
  const isSegment = only?.type === 'line' || only?.type === 'arrow';
  if (selected.length > 1) {
    ctx.globalAlpha = 0.45;
    for (const shape of selected) strokeBox(ctx, shape, theme.accent, px);
    ctx.globalAlpha = 1;
  }
  const frame = selectionFrame(selected, zoom);
  if (frame && !isSegment) strokeBox(ctx, frame, theme.accent, px * 1.5);
  if (!withHandles) {
    // Read-only: a segment has no frame, so outline it instead of its (absent) end handles.
    if (isSegment && only) strokeBox(ctx, visualBounds(only), theme.accent, px);
    return;
  }
  const size = HANDLE_SIZE_PX * px;
  ctx.lineWidth = 1.5 * px;
  ctx.strokeStyle = theme.accent;
  ctx.fillStyle = theme.handleFill;
  for (const handle of selectionHandles(selected, zoom)) {
    ctx.beginPath();
    if (isSegment) ctx.arc(handle.x, handle.y, size * 0.6, 0, Math.PI * 2);
    else ctx.roundRect(handle.x - size / 2, handle.y - size / 2, size, size, 2 * px);
    ctx.fill();
    ctx.stroke();
  }
}

function strokeBox(
  ctx: CanvasRenderingContext2D,
  b: { x: number; y: number; w: number; h: number },
  color: string,
  width: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.strokeRect(b.x, b.y, b.w, b.h);
}
