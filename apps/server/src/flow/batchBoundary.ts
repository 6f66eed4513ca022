/**
 * When a batch of output ends: `flush` runs after the handlers that may still add to it. The
 * default is the next tick; the inbound scheduler defers to the end of its slice, so what one
 * slice did to a board goes out together (one relay frame, one cluster message).
 */
export type BatchBoundary = (flush: () => void) => void;

export const nextTickBoundary: BatchBoundary = (flush) => process.nextTick(flush);
