import type { Point } from '@drawbridge/board';
import { Emitter } from '../util/Emitter.js';

/** How long a laser point stays visible, fading out. */
export const LASER_FADE_MS = 1000;
/** Points kept per trail: about a second of fast movement. */
export const LASER_MAX_POINTS = 64;

/** A laser point; `t` is when it was made, on this machine's clock. */
export interface TrailPoint {
  x: number;
  y: number;
  t: number;
  /** The first point of a new stroke (not joined to the previous point). */
  start?: boolean;
}

/** Drops points older than the fade, and the oldest beyond the cap. */
export function visiblePoints(points: readonly TrailPoint[], now: number): TrailPoint[] {
  const fresh = points.filter((p) => now - p.t < LASER_FADE_MS);
  return fresh.slice(-LASER_MAX_POINTS);
}

/**
 * The local laser pointer's trail. Points fade within a second; `changed` fires on every new
 * point, so presence can send the trail to everyone (it is never written to the board).
 */
export class LaserTrail {
  readonly changed = new Emitter();
  /** The local user's colour (set by the app). */
  color = '#e03131';
  readonly #now: () => number;
  readonly #onChange: () => void;
  #points: TrailPoint[] = [];

  constructor(now: () => number, onChange: () => void) {
    this.#now = now;
    this.#onChange = onChange;
  }

  start(p: Point): void {
    this.#push({ x: p.x, y: p.y, t: this.#now(), start: true });
  }

  add(p: Point): void {
    this.#push({ x: p.x, y: p.y, t: this.#now() });
  }

  /** The points still visible now. */
  points(now = this.#now()): TrailPoint[] {
    this.#points = visiblePoints(this.#points, now);
    return this.#points;
  }

  #push(point: TrailPoint): void {
    this.#points = visiblePoints([...this.#points, point], point.t);
    this.changed.emit();
    this.#onChange();
  }
}
