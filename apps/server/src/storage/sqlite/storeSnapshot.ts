import { randomUUID } from 'node:crypto';
import type { RpcWorker } from '../../workers/RpcWorker.js';
import { recordChecksum } from '../records.js';
import { dropParts, SNAPSHOT_PART_METHODS as PART_METHODS, writeParts } from './partCalls.js';
import { SNAPSHOT_PART_BYTES } from './snapshotParts.js';

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
    if (outcome.drop !== null) await dropParts(worker, PART_METHODS, boardId, outcome.drop);
    return outcome.written;
  }
  const token = randomUUID();
  const { parts, crc } = await writeParts(
    worker,
    PART_METHODS,
    boardId,
    token,
    state,
    SNAPSHOT_PART_BYTES,
    recordChecksum('snapshot', boardId, throughSeq, NO_BYTES),
  );
  const outcome = await worker.call<Replaced>('replaceSnapshot', [
    boardId,
    expected,
    throughSeq,
    { token, parts, crc },
  ]);
  if (outcome.drop !== null) await dropParts(worker, PART_METHODS, boardId, outcome.drop);
  if (outcome.written) {
    const orphans = await worker.call<string[]>('orphanSnapshotParts', [boardId, Date.now()]);
    for (const orphan of orphans) await dropParts(worker, PART_METHODS, boardId, orphan);
  }
  return outcome.written;
}
