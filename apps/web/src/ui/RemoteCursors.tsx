import type { Point } from '@drawbridge/board';
import { type CSSProperties, useEffect, useRef } from 'react';
import type { Editor } from '../canvas/Editor.js';
import type { Peer, Presence } from '../collab/Presence.js';
import { useEmitter } from './hooks.js';

/** How quickly a drawn cursor closes the gap to its latest known position. */
const FOLLOW_MS = 60;

/**
 * Eases each remote cursor toward its latest position every animation frame: updates arrive
 * about 30 times a second, and easing turns those steps into motion. Runs only while some
 * cursor is still moving.
 */
class CursorAnimator {
  readonly #editor: Editor;
  readonly elements = new Map<number, HTMLElement>();
  readonly #shown = new Map<number, Point>();
  #targets = new Map<number, Point>();
  #frame: number | null = null;
  #last = 0;

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  setTargets(peers: readonly Peer[]): void {
    this.#targets = new Map(peers.flatMap((p) => (p.cursor ? [[p.clientId, p.cursor]] : [])));
    for (const id of this.#shown.keys()) if (!this.#targets.has(id)) this.#shown.delete(id);
    this.start();
  }

  start = (): void => {
    if (this.#frame !== null) return;
    this.#last = performance.now();
    this.#frame = requestAnimationFrame(this.#tick);
  };

  stop(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
  }

  readonly #tick = (now: number) => {
    this.#frame = null;
    const t = 1 - Math.exp(-Math.max(0, now - this.#last) / FOLLOW_MS);
    this.#last = now;
    let moving = false;
    for (const [id, target] of this.#targets) {
      const shown = this.#shown.get(id) ?? target;
      let next = { x: shown.x + (target.x - shown.x) * t, y: shown.y + (target.y - shown.y) * t };
      if (Math.hypot(target.x - next.x, target.y - next.y) < 0.5) next = target;
      else moving = true;
      this.#shown.set(id, next);
      const element = this.elements.get(id);
      if (element) {
        const p = this.#editor.camera.boardToScreen(next);
        element.style.transform = `translate(${p.x}px, ${p.y}px)`;
      }
    }
    if (moving) this.#frame = requestAnimationFrame(this.#tick);
  };
}

/** Other people's pointers, with their names, over the canvas. */
export function RemoteCursors({ presence, editor }: { presence: Presence; editor: Editor }) {
  const peers = useEmitter(presence.changed, () => presence.peers);
  const animator = useRef<CursorAnimator | null>(null);
  animator.current ??= new CursorAnimator(editor);
  const others = peers.filter((p) => !p.self && p.cursor);

  useEffect(() => {
    animator.current?.setTargets(others);
  });
  useEffect(() => {
    const current = animator.current;
    const off = editor.cameraChanged.subscribe(() => current?.start());
    return () => {
      off();
      current?.stop();
    };
  }, [editor]);

  return (
    <div className="cursors" aria-hidden="true">
      {others.map((peer) => (
        <div
          key={peer.clientId}
          className="cursor"
          data-testid="cursor"
          data-name={peer.user.name}
          style={{ '--cursor-color': peer.user.color } as CSSProperties}
          ref={(element) => {
            if (!element) {
              animator.current?.elements.delete(peer.clientId);
              return;
            }
            animator.current?.elements.set(peer.clientId, element);
            if (!element.style.transform && peer.cursor) {
              const p = editor.camera.boardToScreen(peer.cursor);
              element.style.transform = `translate(${p.x}px, ${p.y}px)`;
            }
          }}
        >
          <svg width="18" height="20" viewBox="0 0 18 20" aria-hidden="true">
            <path d="M1.5 1.5 16 8.6l-6.3 1.7-3.1 6.9z" />
          </svg>
          <span className="cursor-label">{peer.user.name}</span>
        </div>
      ))}
    </div>
  );
}
