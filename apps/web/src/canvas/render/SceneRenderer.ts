import type { Shape } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import type { CanvasTheme } from './canvasTheme.js';
import { drawGrid } from './drawGrid.js';
import { drawLockMarkers } from './drawLocks.js';
import { drawOverlay } from './drawOverlay.js';
import { drawLasers, drawPeerSelections } from './drawPeers.js';
import type { ShapeRenderer } from './ShapeRenderer.js';

/**
 * A frame is drawn in three parts: the backdrop (background and grid, in screen space), the
 * shapes (through the scene layer, see SceneLayer.ts), then what goes over them.
 */

export function drawBackdrop(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  theme: CanvasTheme,
  dpr: number,
  grid: boolean,
): void {
  const { camera } = editor;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, camera.width, camera.height);
  if (grid) drawGrid(ctx, camera, theme.grid);
}

/** One shape of the board as the canvas shows it: faded while erased, no text while typed. */
export function paintShape(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  shapes: ShapeRenderer,
  theme: CanvasTheme,
  shape: Shape,
): void {
  const faded = editor.overlay.erasing.has(shape.id);
  if (faded) ctx.globalAlpha = 0.25;
  shapes.draw(ctx, shape, theme, { hideText: editor.state.editing?.shapeId === shape.id });
  if (faded) ctx.globalAlpha = 1;
}

/**
 * Over the shapes: a note or text being created, lock markers, other people's selections, the
 * overlay, laser trails. Returns whether something is still animating (a fading laser trail).
 */
export function drawOverShapes(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  shapes: ShapeRenderer,
  theme: CanvasTheme,
  dpr: number,
): boolean {
  const { camera } = editor;
  const scale = dpr * camera.zoom;
  ctx.setTransform(scale, 0, 0, scale, -camera.x * scale, -camera.y * scale);
  ctx.globalAlpha = 1;
  const editing = editor.state.editing;
  // A new sticky shows its note while its text is typed; a new text shows only the editor.
  if (editing?.draft) shapes.draw(ctx, editing.draft, theme, { hideText: true });
  if (editor.store.hasLocked()) {
    drawLockMarkers(ctx, editor.shapesIn(camera.viewportBounds()), camera.zoom, theme.ink);
  }
  drawPeerSelections(ctx, editor);
  drawOverlay(ctx, editor, theme);
  return drawLasers(ctx, editor, editor.laser.color);
}
