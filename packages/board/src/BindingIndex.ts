import { readBinding } from './bindings.js';

/**
 * Which arrows are bound to which shape, kept from the `bindings` map's changes, so a change
 * to a shape finds the arrows that must follow it without scanning every binding.
 */
export class BindingIndex {
  /** Binding key -> [arrow id, shape id]. */
  readonly #forward = new Map<string, [string, string]>();
  /** Shape id -> binding keys (both ends of one arrow may be on one shape). */
  readonly #reverse = new Map<string, Set<string>>();

  /** Re-reads one binding entry (`value` undefined: removed). Idempotent. */
  refresh(key: string, value: unknown): void {
    const previous = this.#forward.get(key);
    if (previous) {
      const keys = this.#reverse.get(previous[1]);
      keys?.delete(key);
      if (keys?.size === 0) this.#reverse.delete(previous[1]);
      this.#forward.delete(key);
    }
    const binding = value === undefined ? null : readBinding(key, value);
    if (!binding) return;
    this.#forward.set(key, [binding.arrowId, binding.shapeId]);
    let keys = this.#reverse.get(binding.shapeId);
    if (!keys) {
      keys = new Set();
      this.#reverse.set(binding.shapeId, keys);
    }
    keys.add(key);
  }

  /** Arrows with an end bound to `shapeId`. */
  arrowsOf(shapeId: string): string[] {
    const keys = this.#reverse.get(shapeId);
    if (!keys) return [];
    return [...new Set([...keys].map((key) => this.#forward.get(key)![0]))];
  }
}
