import { Emitter } from '../util/Emitter.js';

export interface Toast {
  id: number;
  message: string;
  kind: 'error' | 'info';
}

/** Short messages at the bottom of the screen (import errors, copy notices). */
export class ToastStore {
  readonly changed = new Emitter();
  #toasts: readonly Toast[] = [];
  #nextId = 1;

  get toasts(): readonly Toast[] {
    return this.#toasts;
  }

  show(message: string, kind: Toast['kind'] = 'info', durationMs = 5000): void {
    const toast = { id: this.#nextId++, message, kind };
    this.#toasts = [...this.#toasts.slice(-2), toast];
    this.changed.emit();
    setTimeout(() => this.dismiss(toast.id), durationMs);
  }

  dismiss(id: number): void {
    if (!this.#toasts.some((t) => t.id === id)) return;
    this.#toasts = this.#toasts.filter((t) => t.id !== id);
    this.changed.emit();
  }
}
