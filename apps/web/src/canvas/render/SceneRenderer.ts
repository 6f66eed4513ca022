import type { Editor } from '../Editor.js';
import type { CanvasTheme } from './canvasTheme.js';
import { drawGrid } from './drawGrid.js';
import { drawLockMarkers } from './drawLocks.js';
import { drawOverlay } from './drawOverlay.js';
import { drawLasers, drawPeerSelections } from './drawPeers.js';
import type { ShapeRenderer } from './ShapeRenderer.js';

/**
 * One frame: background, grid (unless `grid` is false), the visible shapes (culled by the
 * spatial index), lock markers, other people's selections, the overlay, laser trails.
 * Returns whether something is still animating (a fading laser trail).
 */
export function renderScene(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  shapes: ShapeRenderer,
  theme: CanvasTheme,
  dpr: number,
  grid = true,
): boolean {
  const { camera } = editor;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, camera.width, camera.height);
  if (grid) drawGrid(ctx, camera, theme.grid);

  const scale = dpr * camera.zoom;
  ctx.setTransform(scale, 0, 0, scale, -camera.x * scale, -camera.y * scale);
  const editing = editor.state.editing;
  const visible = editor.shapesIn(camera.viewportBounds());
  for (const shape of visible) {
    const faded = editor.overlay.erasing.has(shape.id);
    if (faded) ctx.globalAlpha = 0.25;
    shapes.draw(ctx, shape, theme, { hideText: editing?.shapeId === shape.id });
    if (faded) ctx.globalAlpha = 1;
  }
  // A new sticky shows its note while its text is typed; a new text shows only the editor.
  if (editing?.draft) shapes.draw(ctx, editing.draft, theme, { hideText: true });
  drawLockMarkers(ctx, visible, camera.zoom, theme.ink);
  drawPeerSelections(ctx, editor);
  drawOverlay(ctx, editor, theme);
  return drawLasers(ctx, editor, editor.laser.color);
}
