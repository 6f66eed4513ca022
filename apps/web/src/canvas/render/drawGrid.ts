import type { Camera } from '../Camera.js';

const BASE_SPACING = 20;
/** Dots closer than this on screen turn into noise; the grid then coarsens by 5x. */
const MIN_SCREEN_SPACING = 12;

/** A dot grid in screen space (context scaled to CSS pixels). */
export function drawGrid(ctx: CanvasRenderingContext2D, camera: Camera, color: string): void {
  let spacing = BASE_SPACING;
  while (spacing * camera.zoom < MIN_SCREEN_SPACING) spacing *= 5;
  const step = spacing * camera.zoom;
  const size = camera.zoom >= 1 ? 1.5 : 1.25;
  const startX = (Math.ceil(camera.x / spacing) * spacing - camera.x) * camera.zoom;
  const startY = (Math.ceil(camera.y / spacing) * spacing - camera.y) * camera.zoom;
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let x = startX; x < camera.width; x += step) {
    for (let y = startY; y < camera.height; y += step) {
      ctx.rect(x - size / 2, y - size / 2, size, size);
    }
  }
  ctx.fill();
}
