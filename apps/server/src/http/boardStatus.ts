import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { type HttpDeps, json } from './context.js';
import { isAdmin } from './linksApi.js';

/**
 * `GET /api/boards/:id/status` (admin token): how this node holds the board, for operators
 * checking a cluster (is a node behind?) and for the cluster tests. A board that is not loaded
 * here is not loaded for the question. `version` hashes the document's state vector and delete
 * set: two nodes with the same version hold the same board.
 */
export function serveBoardStatus(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
): void {
  if (!isAdmin(deps, req, res)) return;
  const room = deps.rooms.get(boardId);
  if (!room) {
    json(res, 200, { boardId, loaded: false });
    return;
  }
  json(res, 200, {
    boardId,
    loaded: true,
    version: documentVersion(room.doc),
    stateVector: Buffer.from(Y.encodeStateVector(room.doc)).toString('base64'),
    members: room.memberCount,
    appliedThrough: room.log.appliedThrough,
    head: room.log.head,
    bytes: room.bytes,
  });
}

/** A hash of the document's state vector and delete set. */
export function documentVersion(doc: Y.Doc): string {
  const snapshot = Y.encodeSnapshot(Y.snapshot(doc));
  return createHash('sha256').update(snapshot).digest('base64url').slice(0, 22);
}
