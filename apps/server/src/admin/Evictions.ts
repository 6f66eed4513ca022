import { ErrorCode } from '@drawbridge/protocol';
import { type Revocation, revokedBy } from '../auth/revocation.js';
import type { DrawbridgeSocket, HandlerDeps } from '../handlers/context.js';
import { removeFromBoard } from '../handlers/membership.js';

/**
 * Removes this node's sockets from boards they may no longer be on: those whose link was
 * revoked, and every member of a deleted board. Each is told why (`board:error`) first.
 */
export class Evictions {
  constructor(private readonly deps: Pick<HandlerDeps, 'io' | 'rooms' | 'metrics' | 'logger'>) {}

  /** Removes the sockets holding a board with a link the revocation revokes; how many. */
  links(revocation: Revocation): number {
    const removed = this.#remove(
      (socket, boardId) => {
        const link = socket.data.boards.get(boardId)?.link;
        return link != null && revokedBy(link, revocation);
      },
      ErrorCode.LINK_REVOKED,
      'this link was revoked',
    );
    if (removed > 0) this.deps.logger.info({ scope: revocation.scope, removed }, 'link revoked');
    return removed;
  }

  /** Removes every member of the board on this node; how many. */
  board(boardId: string): number {
    return this.#remove(
      (_socket, joined) => joined === boardId,
      ErrorCode.BOARD_DELETED,
      'this board was deleted',
    );
  }

  #remove(
    matches: (socket: DrawbridgeSocket, boardId: string) => boolean,
    code: ErrorCode,
    message: string,
  ): number {
    let removed = 0;
    for (const socket of this.deps.io.of('/').sockets.values()) {
      for (const boardId of socket.data.boards.ids()) {
        if (!matches(socket, boardId)) continue;
        removeFromBoard(this.deps, socket, boardId, code, message);
        removed += 1;
      }
    }
    return removed;
  }
}
