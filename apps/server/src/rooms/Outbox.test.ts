import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { BatchBoundary } from '../flow/batchBoundary.js';
import { BUSY_UPDATES, Outbox, type RelaySink } from './Outbox.js';

/** One small update per call, each building on the last (a writer's stream of edits). */
function writer() {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  return (): Uint8Array => {
    const before = Y.encodeStateVector(doc);
    text.insert(text.length, 'x');
    return Y.encodeStateAsUpdate(doc, before);
  };
}

describe('Outbox', () => {
  let frames: Uint8Array[];
  let boundaries: (() => void)[];
  let sink: RelaySink;
  const boundary: BatchBoundary = (flush) => boundaries.push(flush);
  const busy = { batchBoundary: boundary, busyRelayHoldMs: 16 };
  const endBatch = () => {
    for (const flush of boundaries.splice(0)) flush();
  };
  const textOf = () => {
    const doc = new Y.Doc();
    for (const frame of frames) Y.applyUpdate(doc, frame);
    return doc.getText('t').toString();
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    frames = [];
    boundaries = [];
    sink = { doc: (_board, update) => frames.push(update), awareness: () => {} };
  });
  afterEach(() => vi.useRealTimers());

  it('sends each batch at its end when the board is not busy, and never holds without holdMs', () => {
    for (const holdMs of [16, 0]) {
      frames = [];
      const next = writer();
      const outbox = new Outbox('b', new Awareness(new Y.Doc()), sink, {
        batchBoundary: boundary,
        busyRelayHoldMs: holdMs,
      });
      for (let batch = 0; batch < 3; batch++) {
        const size = holdMs ? BUSY_UPDATES - 1 : BUSY_UPDATES + 1;
        for (let i = 0; i < size; i++) outbox.doc(next(), 'writer');
        expect(frames).toHaveLength(batch);
        endBatch();
        expect(frames).toHaveLength(batch + 1);
      }
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('holds a busy board for holdMs after its last relay, then sends everything in one frame', () => {
    const next = writer();
    const outbox = new Outbox('b', new Awareness(new Y.Doc()), sink, busy);
    for (let i = 0; i < BUSY_UPDATES; i++) outbox.doc(next(), 'writer');
    endBatch();
    expect(frames).toHaveLength(1);

    // Three more batches within the interval: nothing goes out at their ends.
    vi.advanceTimersByTime(5);
    for (let batch = 0; batch < 3; batch++) {
      outbox.doc(next(), 'writer');
      outbox.doc(next(), 'writer');
      endBatch();
    }
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(10);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
    expect(textOf()).toBe('x'.repeat(BUSY_UPDATES + 6));

    // That frame carried fewer than BUSY_UPDATES: the board is quiet again.
    outbox.doc(next(), 'writer');
    endBatch();
    expect(frames).toHaveLength(3);
  });

  it('does not stay held under steady editing at 1,000 updates/s after a burst', () => {
    const next = writer();
    const outbox = new Outbox('b', new Awareness(new Y.Doc()), sink, busy);
    for (let i = 0; i < BUSY_UPDATES; i++) outbox.doc(next(), 'writer');
    endBatch();
    // One update a millisecond: the first hold gathers 16, then each goes out at its batch's end.
    for (let i = 0; i < 80; i++) {
      vi.advanceTimersByTime(1);
      outbox.doc(next(), 'writer');
      endBatch();
    }
    expect(frames.length).toBeGreaterThanOrEqual(1 + 80 - 16);
    vi.advanceTimersByTime(16);
    expect(textOf()).toBe('x'.repeat(BUSY_UPDATES + 80));
  });

  it('sends what a busy board holds when flushed or closed', () => {
    const next = writer();
    const outbox = new Outbox('b', new Awareness(new Y.Doc()), sink, busy);
    for (let i = 0; i < BUSY_UPDATES; i++) outbox.doc(next(), 'writer');
    endBatch();
    outbox.doc(next(), 'writer');
    endBatch();
    expect(frames).toHaveLength(1);
    outbox.close();
    expect(frames).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    expect(textOf()).toBe('x'.repeat(BUSY_UPDATES + 1));
    outbox.doc(next(), 'writer');
    vi.advanceTimersByTime(100);
    expect(frames).toHaveLength(2);
  });
});
