import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { storableMerge } from './storableMerge.js';

/** One client's edits, each as its own update. */
function edits(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, String(i % 10));
  return updates;
}

describe('storableMerge', () => {
  it('merges updates into one record when the merge is one a load accepts', () => {
    const updates = edits(5);
    const parts = storableMerge(updates);
    expect(parts).toHaveLength(1);
    expect(() => scanUpdate(parts[0]!)).not.toThrow();
  });

  it("keeps updates apart when a gap in a client's content would need a Skip", () => {
    // The middle one was stored on its own: what failed is the first and the last.
    const [first, middle, last] = edits(3);
    expect(() => scanUpdate(Y.mergeUpdates([first!, last!]))).toThrow(/skips a range/);
    const parts = storableMerge([first!, last!]);
    expect(parts).toEqual([first, last]);
    for (const part of parts) expect(() => scanUpdate(part)).not.toThrow();
    const doc = new Y.Doc();
    for (const part of [...parts, middle!]) Y.applyUpdate(doc, part);
    expect(doc.getText('t').toString()).toBe('012');
  });
});
