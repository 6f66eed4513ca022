import { describe, expect, it } from 'vitest';
import { countTurns } from '../testing/turns.js';
import { pack, packInTurns, unpack } from './packing.js';
import { movableBytes } from './serveRpc.js';

const bytes = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe('packInTurns', () => {
  it('packs what pack packs, copying at most its budget in each turn of the event loop', async () => {
    const parts = [bytes(2500, 1), bytes(10, 2), bytes(0, 3), bytes(4000, 4), bytes(999, 5)];
    const turns = countTurns();
    const packed = await packInTurns(parts, 1000);
    expect(packed).toEqual(pack(parts));
    expect(unpack(packed)).toEqual(parts);
    // 7,509 bytes at 1,000 a turn: other work ran between at least 7 of the copies.
    expect(turns.stop()).toBeGreaterThanOrEqual(7);
  });

  it('packs a small total at once', async () => {
    const parts = [bytes(10, 1), bytes(20, 2)];
    expect(await packInTurns(parts, 1000)).toEqual(pack(parts));
  });
});

describe('movableBytes', () => {
  it('is the view itself when its buffer holds little else, else a copy spanning its own', () => {
    const frame = bytes(100_000, 1);
    const received = frame.subarray(60);
    expect(movableBytes(received)).toBe(received);

    const pooled = frame.subarray(60_000, 70_000);
    const copy = movableBytes(pooled);
    expect(copy).not.toBe(pooled);
    expect(copy).toEqual(pooled);
    expect(copy.byteLength).toBe(copy.buffer.byteLength);

    const shared = new Uint8Array(new SharedArrayBuffer(1000));
    const own = movableBytes(shared);
    expect(own.buffer).toBeInstanceOf(ArrayBuffer);
    expect(own).toEqual(shared);
  });
});
