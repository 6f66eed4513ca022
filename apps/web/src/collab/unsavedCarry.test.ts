import { describe, expect, it } from 'vitest';
import { UnsavedCarry } from './unsavedCarry.js';

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const storage = () => new MemoryStorage() as unknown as Storage & MemoryStorage;

describe('UnsavedCarry', () => {
  it('carries the count across a reload until the first join', () => {
    const store = storage();
    const first = new UnsavedCarry('b1', store);
    expect(first.displayed(3)).toBe(3);
    expect(store.data.get('drawbridge:unsaved:b1')).toBe('3');

    // Reload while offline: the provider starts from zero, the stored count still shows.
    const second = new UnsavedCarry('b1', store);
    expect(second.displayed(0)).toBe(3);
    expect(second.displayed(2)).toBe(5);

    second.joined();
    expect(second.displayed(0)).toBe(0);
    expect(store.data.has('drawbridge:unsaved:b1')).toBe(false);
  });

  it('keeps boards apart and survives missing storage', () => {
    const store = storage();
    new UnsavedCarry('a', store).displayed(4);
    expect(new UnsavedCarry('b', store).displayed(0)).toBe(0);
    expect(new UnsavedCarry('a', null).displayed(1)).toBe(1);
  });
});
