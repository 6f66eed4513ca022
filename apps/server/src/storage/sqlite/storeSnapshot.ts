import { randomUUID } from 'node:crypto';
import type { RpcWorker } from '../../workers/RpcWorker.js';
import { recordChecksum } from '../records.js';
import { SNAPSHOT_PART_BYTES } from './snapshotParts.js';

/** Parts deleted per transaction when a snapshot is replaced: about 1 MB. */
const PARTS_PER_DROP = 4;
const NO_BYTES = new Uint8Array(0);

type Replaced = { written: boolean; drop: string | null };

/**
 * Stores a built snapshot through the storage worker; false if another compaction got there
 * first. A large one goes part by part, each part a call (and a commit) of its own, so the
 * appends queued meanwhile commit between them instead of after the whole snapshot; the parts
 * the board no longer needs are deleted the same way. `state` is moved, part by part.
 */
export async function storeSnapshot(
  worker: RpcWorker,
  boardId: string,
  expected: number,
  throughSeq: number,
  state: Uint8Array,
): Promise<boolean> {
  if (state.byteLength <= SNAPSHOT_PART_BYTES) {
    const outcome = await worker.call<Replaced>(
      'replaceSnapshot',
      [boardId, expected, throughSeq, { state }],
      [state.buffer as ArrayBuffer],
    );
    if (outcome.drop !== null) await dropParts(worker, boardId, outcome.drop);
    return outcome.written;
  }
  const token = randomUUID();
  let crc = recordChecksum('snapshot', boardId, throughSeq, NO_BYTES);
  let parts = 0;
  try {
    for (let offset = 0; offset < state.byteLength; offset += SNAPSHOT_PART_BYTES) {
      const part = state.slice(offset, offset + SNAPSHOT_PART_BYTES);
      crc = await worker.call<number>(
        'writeSnapshotPart',
        [boardId, token, parts, part, crc],
        [part.buffer as ArrayBuffer],
      );
      parts++;
    }
  } catch (error) {
    // Best effort: what could not be deleted now is swept as an orphan later.
    await dropParts(worker, boardId, token).catch(() => {});
    throw error;
  }
  const outcome = await worker.call<Replaced>('replaceSnapshot', [
    boardId,
    expected,
    throughSeq,
    { token, parts, crc },
  ]);
  if (outcome.drop !== null) await dropParts(worker, boardId, outcome.drop);
  if (outcome.written) {
    const orphans = await worker.call<string[]>('orphanSnapshotParts', [boardId, Date.now()]);
    for (const orphan of orphans) await dropParts(worker, boardId, orphan);
  }
  return outcome.written;
}

async function dropParts(worker: RpcWorker, boardId: string, token: string): Promise<void> {
  while ((await worker.call<number>('dropSnapshotParts', [boardId, token, PARTS_PER_DROP])) > 0);
}
