import { describe, expect, it } from 'vitest';
import { InboundScheduler } from './InboundScheduler.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const flow = () => {
  const state = { paused: 0, resumed: 0 };
  return { state, control: { pause: () => state.paused++, resume: () => state.resumed++ } };
};

describe('InboundScheduler', () => {
  it('serves connections round robin, each in its own order', async () => {
    const scheduler = new InboundScheduler({ perTurn: 2, sliceMs: 1000 });
    const order: string[] = [];
    const a = flow();
    const b = flow();
    for (let i = 0; i < 6; i++) scheduler.enqueue('a', a.control, () => order.push(`a${i}`));
    scheduler.enqueue('b', b.control, () => order.push('b0'));
    await turn();
    expect(order).toEqual(['a0', 'a1', 'b0', 'a2', 'a3', 'a4', 'a5']);
  });

  it('stops reading a flooding connection and resumes it once drained', async () => {
    const scheduler = new InboundScheduler({ highWater: 10, lowWater: 2, perTurn: 4, sliceMs: 0 });
    const a = flow();
    let handled = 0;
    for (let i = 0; i < 20; i++) scheduler.enqueue('a', a.control, () => handled++);
    expect(a.state.paused).toBe(1);
    while (scheduler.queued > 0) await turn();
    expect(handled).toBe(20);
    expect(a.state.resumed).toBe(1);
  });

  it('drops what a closed connection still had queued', async () => {
    const scheduler = new InboundScheduler();
    let handled = 0;
    scheduler.enqueue('a', flow().control, () => handled++);
    scheduler.forget('a');
    await turn();
    expect(handled).toBe(0);
    expect(scheduler.queued).toBe(0);
  });

  it("counts work a handler defers to the next tick (as Socket.IO's dispatch does) in its slice", async () => {
    const scheduler = new InboundScheduler({ sliceMs: 5, perTurn: 100 });
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {}
    };
    let handled = 0;
    for (let i = 0; i < 50; i++) {
      scheduler.enqueue('flood', flow().control, () =>
        process.nextTick(() => {
          busy(2);
          handled++;
        }),
      );
    }
    // Everyone else's turn comes after the first slice, not after the whole flood.
    const handledBeforeOthers = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(handled)),
    );
    expect(handledBeforeOthers).toBeGreaterThan(0);
    expect(handledBeforeOthers).toBeLessThan(10);
    while (scheduler.queued > 0) await turn();
    await turn();
    expect(handled).toBe(50);
  });

  it('runs deferred work once the slice that asked for it has handled its messages', async () => {
    const scheduler = new InboundScheduler({ sliceMs: 1000 });
    const events: string[] = [];
    let flushScheduled = false;
    const flush = () => {
      flushScheduled = false;
      events.push('flush');
    };
    for (let i = 0; i < 5; i++) {
      scheduler.enqueue('a', flow().control, () =>
        // As Socket.IO dispatches: the handler runs on the next tick, and asks for a flush.
        process.nextTick(() => {
          events.push(`h${i}`);
          if (!flushScheduled) {
            flushScheduled = true;
            scheduler.defer(flush);
          }
        }),
      );
    }
    await turn();
    expect(events).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'flush']);
    // Outside a slice, deferred work runs on the next tick.
    let ran = false;
    scheduler.defer(() => {
      ran = true;
    });
    await new Promise((resolve) => process.nextTick(resolve));
    expect(ran).toBe(true);
  });
});
