import type { Bounds } from '@drawbridge/board';
import { Emitter } from '../util/Emitter.js';
import type { Peer, Presence } from './Presence.js';

/** The view that following moves: the editor's camera, as far as following needs it. */
export interface FollowView {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
  readonly width: number;
  show(area: Bounds): void;
}

/**
 * Following another person's view: their viewport travels in presence and this view shows the
 * same area whenever it changes. A pan or zoom of one's own (any camera change this did not
 * make) stops following. When someone presents, everyone who has not yet seen that
 * presentation starts following them: viewers joining a presented board follow by default.
 */
export class FollowController {
  readonly changed = new Emitter();
  readonly #presence: Presence;
  readonly #view: FollowView;
  #following: number | null = null;
  /** The view this controller set last: a camera change to anything else is the user's. */
  #applied: { x: number; y: number; zoom: number; width: number } | null = null;
  readonly #seenPresentations = new Set<string>();
  #applying = false;
  readonly #off: () => void;

  constructor(presence: Presence, view: FollowView) {
    this.#presence = presence;
    this.#view = view;
    this.#off = presence.changed.subscribe(() => this.#update());
    this.#update();
  }

  destroy(): void {
    this.#off();
    this.changed.clear();
  }

  /** The person followed, if they are still here. */
  get following(): Peer | null {
    if (this.#following === null) return null;
    return this.#presence.peers.find((p) => p.clientId === this.#following) ?? null;
  }

  follow(clientId: number): void {
    if (clientId === this.#presence.clientId) return;
    this.#following = clientId;
    this.#applied = null;
    this.#apply();
    this.changed.emit();
  }

  stop(): void {
    if (this.#following === null) return;
    this.#following = null;
    this.#applied = null;
    this.changed.emit();
  }

  /** Call on every camera change: one this controller did not make stops following. */
  cameraChanged(): void {
    if (this.#applying || this.#following === null) return;
    if (this.#movedByUser()) {
      this.stop();
      return;
    }
    // Only the window's size changed: show the followed area again at the new size.
    if (this.#applied && this.#view.width !== this.#applied.width) this.#apply();
  }

  /** Whether the view moved since this controller last set it. */
  #movedByUser(): boolean {
    const applied = this.#applied;
    const v = this.#view;
    return applied !== null && (v.x !== applied.x || v.y !== applied.y || v.zoom !== applied.zoom);
  }

  #update(): void {
    for (const peer of this.#presence.peers) {
      if (peer.self || !peer.presenting) continue;
      const key = `${peer.clientId}:${peer.presenting}`;
      if (this.#seenPresentations.has(key)) continue;
      this.#seenPresentations.add(key);
      this.follow(peer.clientId);
    }
    if (this.#following === null) return;
    // A presence change can arrive while the user's own camera change is still being
    // reported (our view is published on every change): the user's move wins.
    if (!this.following || (!this.#applying && this.#movedByUser())) {
      this.stop();
      return;
    }
    this.#apply();
  }

  #apply(): void {
    const viewport = this.following?.viewport;
    if (!viewport) return;
    const v = this.#view;
    // The camera reports the change synchronously; that one is ours.
    this.#applying = true;
    try {
      v.show(viewport);
    } finally {
      this.#applying = false;
    }
    this.#applied = { x: v.x, y: v.y, zoom: v.zoom, width: v.width };
  }
}
