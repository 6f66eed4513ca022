import type { Editor } from '../Editor.js';
import { LASER_FADE_MS, type TrailPoint, visiblePoints } from '../LaserTrail.js';
import { strokeOutline } from './outline.js';

/** Other people's selections, outlined in their colour. */
export function drawPeerSelections(ctx: CanvasRenderingContext2D, editor: Editor): void {
  const px = 1 / editor.camera.zoom;
  for (const peer of editor.peers.peers) {
    for (const id of peer.selection) {
      const shape = editor.getShape(id);
      if (shape) strokeOutline(ctx, shape, peer.color, px * 2, shape.strokeWidth / 2 + 4 * px);
    }
  }
}

/**
 * Laser trails, the local one and everyone else's: segments fade with their age, and the
 * render loop keeps drawing frames while any trail is visible. Returns whether any is.
 */
export function drawLasers(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  localColor: string,
): boolean {
  const now = editor.now();
  let visible = drawTrail(ctx, editor, editor.laser.points(now), localColor, now);
  for (const peer of editor.peers.peers) {
    visible = drawTrail(ctx, editor, visiblePoints(peer.laser, now), peer.color, now) || visible;
  }
  return visible;
}

function drawTrail(
  ctx: CanvasRenderingContext2D,
  editor: Editor,
  points: readonly TrailPoint[],
  color: string,
  now: number,
): boolean {
  if (points.length === 0) return false;
  const px = 1 / editor.camera.zoom;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const life = Math.max(0, 1 - (now - p.t) / LASER_FADE_MS);
    ctx.globalAlpha = life;
    const prev = points[i - 1];
    if (prev && !p.start) {
      ctx.lineWidth = (2 + 4 * life) * px;
      ctx.beginPath();
      ctx.moveTo(prev.x, prev.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    } else {
      ctx.beginPath();
      ctx.arc(p.x, p.y, (1 + 2 * life) * px, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.restore();
  return true;
}
