/**
 * Runs `fire` once a commit notice has waited long enough for an update to carry it; returns a
 * cancel. `noticeTimer(ms)` is the real one.
 */
export type NoticeTimer = (fire: () => void) => () => void;

/**
 * How long a commit notice waits for the board's next update message to ride on. At 500
 * updates/s from one writer every notice went alone: 1.97 bus messages (1,398 B) per update
 * in `pnpm bench --only=cross-node`, 0.99 (1,056 B) with the hold; a pointer's strokes come every
 * 16 ms. Nothing waits on a
 * notice to see content (the update itself goes at once): it tells the other nodes which log
 * records their documents hold, so a gap is noticed, and a join there stores an update it holds
 * unconfirmed, up to this much later.
 */
export const NOTICE_HOLD_MS = 20;

export function noticeTimer(ms: number): NoticeTimer {
  return (fire) => {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  };
}
