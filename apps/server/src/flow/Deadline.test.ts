import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from './Deadline.js';

const never = () => new Promise<void>(() => {});

describe('Deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends every wait by the same moment, however long the waits before it took', async () => {
    vi.useFakeTimers();
    const deadline = new Deadline(1000);
    const first = deadline.within(never(), 'first');
    const firstFailed = expect(first).rejects.toThrow('first within 1000 ms');
    await vi.advanceTimersByTimeAsync(1000);
    await firstFailed;
    // The second wait starts at the deadline: it has nothing left.
    const second = deadline.within(never(), 'second');
    const secondFailed = expect(second).rejects.toThrow('second within 0 ms');
    await vi.advanceTimersByTimeAsync(0);
    await secondFailed;
  });

  it('passes on what ends in time, value or error, and gives the rest of the time to the next wait', async () => {
    vi.useFakeTimers();
    const deadline = new Deadline(1000);
    const soon = new Promise<string>((resolve) => setTimeout(() => resolve('stored'), 400));
    const value = deadline.within(soon, 'read');
    await vi.advanceTimersByTimeAsync(400);
    await expect(value).resolves.toBe('stored');
    await expect(deadline.within(Promise.reject(new Error('refused')), 'read')).rejects.toThrow(
      'refused',
    );
    const late = deadline.within(never(), 'check');
    const failed = expect(late).rejects.toThrow('check within 600 ms');
    await vi.advanceTimersByTimeAsync(600);
    await failed;
  });
});
