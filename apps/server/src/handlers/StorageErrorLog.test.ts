import { describe, expect, it } from 'vitest';
import { LOG_LEVEL, recordingLogger } from '../testing/logLines.js';
import { STORAGE_ERROR_LOG_EVERY_MS, StorageErrorLog } from './StorageErrorLog.js';

describe('StorageErrorLog', () => {
  it('logs the first failure, then one line per interval with how many it did not log', () => {
    const { logger, lines } = recordingLogger();
    let now = 1_000;
    const log = new StorageErrorLog(logger, { now: () => now });
    const full = new Error('database or disk is full');
    log.report({ boardId: 'a', event: 'doc:update' }, full);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: LOG_LEVEL.error,
      boardId: 'a',
      msg: 'storage failed',
      err: { message: 'database or disk is full' },
    });
    expect(lines[0]).not.toHaveProperty('unlogged');

    // A client retrying every second, and others editing: counted, not logged.
    for (let i = 0; i < 40; i++) {
      now += STORAGE_ERROR_LOG_EVERY_MS / 50;
      log.report({ boardId: i % 2 ? 'a' : 'b' }, full);
    }
    expect(lines).toHaveLength(1);
    now += STORAGE_ERROR_LOG_EVERY_MS; // well past the interval
    log.report({ boardId: 'b', event: 'board:join' }, new Error('still full'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      boardId: 'b',
      event: 'board:join',
      unlogged: 40,
      err: { message: 'still full' },
    });
    expect(lines[1]!.msg).toMatch(/40 more storage failures/);

    // Exactly one interval after the last line: logged, with nothing unlogged in between.
    now += STORAGE_ERROR_LOG_EVERY_MS;
    log.report({}, full);
    expect(lines).toHaveLength(3);
    expect(lines[2]).not.toHaveProperty('unlogged');
  });
});
