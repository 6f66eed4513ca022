import type { NoticeTimer } from '../noticeTimer.js';

/**
 * A `NoticeTimer` whose holds end when the test says so: each held notice waits here until
 * `fire` (one, picked by index) or `fireAll`.
 */
export class HeldNotices {
  readonly #pending: (() => void)[] = [];

  readonly timer: NoticeTimer = (fire) => {
    this.#pending.push(fire);
    return () => {
      const at = this.#pending.indexOf(fire);
      if (at >= 0) this.#pending.splice(at, 1);
    };
  };

  get count(): number {
    return this.#pending.length;
  }

  fire(index: number): void {
    const [fire] = this.#pending.splice(index, 1);
    fire?.();
  }

  fireAll(): void {
    while (this.#pending.length > 0) this.fire(0);
  }
}
