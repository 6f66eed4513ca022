/**
 * Real Yjs whiteboard edits for the relay bench: strokes added to a `shapes` Y.Map (most edits)
 * and strokes moved (an existing key set again, which also deletes the old item). Each edit is
 * its own transaction, so each yields one small update (~60-300 bytes), like a client's stroke.
 *
 * The edits are generated before any relay is measured, so the sender's Yjs work is not part
 * of the measurement, and every relay carries exactly the same bytes.
 */
import * as Y from 'yjs';
import { createRandom } from '../../utils/random.js';
import { percentile } from './stats.js';

/** Fixed so generated updates are identical in every run. */
export const EDITOR_CLIENT_ID = 0x5eed;

export interface EditStats {
  count: number;
  minBytes: number;
  p50Bytes: number;
  maxBytes: number;
  meanBytes: number;
  generateMs: number;
}

export interface Edits {
  updates: Uint8Array[];
  /** `Y.getState` of the editing client after update i has been applied. */
  clocks: Uint32Array;
  /** Entries in the `shapes` map after update i has been applied. */
  shapeCounts: Uint32Array;
  stats: EditStats;
}

interface Stroke {
  type: 'stroke';
  x: number;
  y: number;
  color: string;
  width: number;
  points: number[];
}

const COLORS = ['#1e1e1e', '#e03131', '#2f9e44', '#1971c2', '#f08c00', '#6741d9'] as const;
const MOVE_SHARE = 0.2;

export function generateEdits(count: number, seed: number, clientId = EDITOR_CLIENT_ID): Edits {
  const started = performance.now();
  const random = createRandom(seed);
  const doc = new Y.Doc({ gc: true });
  doc.clientID = clientId;
  const shapes = doc.getMap<Stroke>('shapes');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const clocks = new Uint32Array(count);
  const shapeCounts = new Uint32Array(count);
  let created = 0;
  for (let i = 0; i < count; i++) {
    const move = created > 0 && random.next() < MOVE_SHARE;
    if (move) {
      const key = `s${random.int(created)}`;
      const stroke = shapes.get(key)!;
      shapes.set(key, { ...stroke, x: random.int(4000), y: random.int(4000) });
    } else {
      const points = Array.from({ length: 4 + random.int(56) }, () => random.int(512));
      shapes.set(`s${created++}`, {
        type: 'stroke',
        x: random.int(4000),
        y: random.int(4000),
        color: random.pick(COLORS),
        width: 1 + random.int(8),
        points,
      });
    }
    if (updates.length !== i + 1)
      throw new Error(`edit ${i} produced ${updates.length - i} updates`);
    clocks[i] = Y.getState(doc.store, clientId);
    // Not `shapes.size`: it walks the whole map. Moves keep the count, new strokes add one.
    shapeCounts[i] = created;
  }
  doc.destroy();
  const sizes = updates.map((u) => u.byteLength).sort((a, b) => a - b);
  return {
    updates,
    clocks,
    shapeCounts,
    stats: {
      count,
      minBytes: sizes[0] ?? 0,
      p50Bytes: percentile(sizes, 0.5),
      maxBytes: sizes[sizes.length - 1] ?? 0,
      meanBytes: sizes.reduce((sum, n) => sum + n, 0) / Math.max(1, count),
      generateMs: performance.now() - started,
    },
  };
}
