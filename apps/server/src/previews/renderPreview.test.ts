import { BoardModel } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildSnapshot } from '../storage/snapshot.js';
import { renderPreview } from './renderPreview.js';

const rect = (i: number) =>
  ({
    type: 'rect',
    x: i * 120,
    y: 0,
    w: 100,
    h: 100,
    stroke: '#1e1e1e',
    fill: '#ffc9c9',
    strokeWidth: 2,
  }) as const;

describe('renderPreview', () => {
  it('draws what a snapshot over a gap in a client’s content holds before the gap', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const model = new BoardModel(doc, { captureTimeout: 0 });
    for (let i = 0; i < 6; i++) model.addShape(rect(i));
    const gap = updates.length - 3;
    // Compacted while one edit was not stored: the later ones wait for it.
    const snapshot = buildSnapshot(updates.filter((_, i) => i !== gap));
    const before = renderPreview([Y.mergeUpdates(updates.slice(0, gap))], {});
    const drawn = renderPreview([snapshot], {});
    const empty = renderPreview([], {});
    expect('png' in drawn && 'png' in before && 'png' in empty).toBe(true);
    if (!('png' in drawn && 'png' in before && 'png' in empty)) return;
    expect(Buffer.from(drawn.png).equals(Buffer.from(before.png))).toBe(true);
    expect(Buffer.from(drawn.png).equals(Buffer.from(empty.png))).toBe(false);
  });
});
