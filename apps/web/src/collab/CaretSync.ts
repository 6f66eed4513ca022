import type * as Y from 'yjs';
import { Emitter } from '../util/Emitter.js';
import type { CaretChannel, RemoteCaret } from './caretChannel.js';
import { decodeCaret, encodeCaret } from './carets.js';
import type { Presence } from './Presence.js';

/** The text editor's carets over presence: this user's published, everyone else's read. */
export class CaretSync implements CaretChannel {
  readonly changed = new Emitter();
  readonly #presence: Presence;
  #version = 0;
  readonly #off: () => void;

  constructor(presence: Presence) {
    this.#presence = presence;
    this.#off = presence.changed.subscribe(() => {
      this.#version++;
      this.changed.emit();
    });
  }

  destroy(): void {
    this.#off();
    this.changed.clear();
  }

  get version(): number {
    return this.#version;
  }

  publish(
    target: { shapeId: string; field: string; text: Y.Text } | null,
    anchor: number,
    head: number,
  ): void {
    if (!target || (target.field !== 'text' && target.field !== 'label')) {
      if (this.#presence.self?.editing) this.#presence.setEditing(null);
      return;
    }
    this.#presence.setEditing({
      shapeId: target.shapeId,
      field: target.field,
      anchor: encodeCaret(target.text, anchor),
      head: encodeCaret(target.text, head),
    });
  }

  remote(shapeId: string, field: string, text: Y.Text | null): RemoteCaret[] {
    if (!text) return [];
    const carets: RemoteCaret[] = [];
    for (const peer of this.#presence.peers) {
      const editing = peer.editing;
      if (peer.self || !editing || editing.shapeId !== shapeId || editing.field !== field) continue;
      const index = decodeCaret(text, editing.head);
      if (index !== null) {
        carets.push({
          clientId: peer.clientId,
          name: peer.user.name,
          color: peer.user.color,
          index,
        });
      }
    }
    return carets;
  }
}
