import { describe, expect, it } from 'vitest';
import { TurnBudget } from './TurnBudget.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnBudget', () => {
  it('lets work through up to the budget per turn, the rest in later turns, in order', async () => {
    const budget = new TurnBudget(10);
    const done: number[] = [];
    const takes = [4, 4, 4, 9, 1].map((n, i) => budget.take(n).then(() => done.push(i)));
    await Promise.resolve();
    expect(done).toEqual([0, 1]);
    await turn();
    await Promise.resolve();
    expect(done).toEqual([0, 1, 2]);
    await Promise.all(takes);
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('never blocks a single item larger than the budget', async () => {
    const budget = new TurnBudget(10);
    await budget.take(100);
    await budget.take(100);
  });
});
