import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { recordingLogger } from '../testing/logLines.js';
import { BoardLog } from './BoardLog.js';

/** Storage whose appends fail while `failing`. */
class FlakyStorage extends MemoryStorage {
  failing = false;
  override append(boardId: string, update: Uint8Array): Promise<number> {
    if (this.failing) return Promise.reject(new Error('database or disk is full'));
    return super.append(boardId, update);
  }
}

/** `count` Yjs updates of one client, in order. */
function edits(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('m').set(`k${i}`, i);
  return updates;
}

describe('BoardLog, while appends fail', () => {
  it('logs the first failure of an outage and its recovery, with the count, not each failure', async () => {
    const storage = new FlakyStorage();
    const { logger, lines } = recordingLogger();
    const log = new BoardLog('b', await storage.load('b'), { storage, logger, compactEvery: 1000 });
    const failedLines = () => lines.filter((l) => l.msg === 'append failed');
    const recoveredLines = () =>
      lines.filter((l) => l.msg === 'stored updates whose append had failed');

    const updates = edits(26);
    const later = updates.pop()!;
    storage.failing = true;
    const appends = updates.map((update) => log.append(update));
    for (const append of appends) await expect(append).rejects.toThrow(/disk is full/);
    await expect(log.durable()).rejects.toThrow(/disk is full/);
    expect(failedLines()).toHaveLength(1);
    expect(failedLines()[0]).toMatchObject({
      boardId: 'b',
      err: { message: 'database or disk is full' },
    });

    storage.failing = false;
    await log.durable();
    expect(recoveredLines()).toHaveLength(1);
    expect(recoveredLines()[0]).toMatchObject({ boardId: 'b', failedAppends: 25 });
    expect((await storage.load('b')).lastSeq).toBeGreaterThan(0);

    // The next outage is logged again.
    storage.failing = true;
    await expect(log.append(later)).rejects.toThrow(/disk is full/);
    expect(failedLines()).toHaveLength(2);
    storage.failing = false;
    await log.durable();
    expect(recoveredLines()[1]).toMatchObject({ failedAppends: 1 });
    log.close();
  });
});
