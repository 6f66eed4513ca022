import type { TrailPoint } from './LaserTrail.js';

/** What the canvas shows of another person: their selection and laser, in their colour. */
export interface PeerView {
  clientId: number;
  name: string;
  color: string;
  selection: readonly string[];
  laser: readonly TrailPoint[];
}

/**
 * Other people's selections and laser trails, set by the app from presence (the canvas has no
 * network code); the renderer draws them over the shapes.
 */
export class PeerLayer {
  #peers: readonly PeerView[] = [];
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  get peers(): readonly PeerView[] {
    return this.#peers;
  }

  set(peers: readonly PeerView[]): void {
    this.#peers = peers;
    this.#onChange();
  }
}
