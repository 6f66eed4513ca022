import { BinaryFormatError, HttpErrorCode, type Limits, ProtocolError } from '@drawbridge/protocol';
import { Hono } from 'hono';
import type { BoardAdmin } from '../../admin/BoardAdmin.js';
import { exportBoard, importBoard } from '../../admin/BoardTransfer.js';
import { maxImportBodyBytes } from '../../admin/boardFile.js';
import type { BoardLoader } from '../../rooms/loading/BoardLoader.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { requireAdmin } from '../admin.js';
import { boardIdParam, type HttpEnv } from '../context.js';
import { badRequest, HttpError, limitBody, methodNotAllowed, notFound } from '../errors.js';
import { sendBytes } from '../sendBytes.js';
import { readUpload } from './readUpload.js';

export interface BoardsDeps {
  boardAdmin: BoardAdmin;
  rooms: RoomManager;
  /** Writes and reads board files off the event loop. */
  loader: BoardLoader;
  limits: Limits;
  adminToken: string | null;
}

const noStore = { 'cache-control': 'no-store' };

/**
 * The operators' boards API (admin token):
 * - `GET /api/boards`: every board with name, size, last change and members online (on every
 *   node; `complete` is false when some node did not answer);
 * - `DELETE /api/boards/:id`: deletes the board with its links and every data store's share,
 *   removing its members on every node;
 * - `GET /api/boards/:id/export` and `POST /api/boards/:id/import`: the board as a file, to move
 *   it between servers (`pnpm board export|import`). Import only into a board that is empty.
 */
export function boardRoutes(deps: BoardsDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const admin = requireAdmin(deps.adminToken);

  app.get('/api/boards', admin, async (c) => c.json(await deps.boardAdmin.list(), 200, noStore));
  app.all('/api/boards', admin, methodNotAllowed(['GET']));

  app.delete('/api/boards/:id', admin, boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    const { found, members, complete } = await deps.boardAdmin.delete(boardId);
    if (!found) throw notFound('no such board');
    return c.json({ deleted: boardId, members, complete }, 200, noStore);
  });
  app.all('/api/boards/:id', admin, boardIdParam, methodNotAllowed(['DELETE']));

  app.get('/api/boards/:id/export', admin, boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    const file = await exportBoard(deps.rooms, deps.loader, boardId);
    return sendBytes(
      c.env.incoming,
      c.env.outgoing,
      200,
      {
        ...noStore,
        'content-type': 'application/json',
        'content-disposition': `attachment; filename="${boardId}.drawbridge-board.json"`,
      },
      file,
    );
  });

  app.post(
    '/api/boards/:id/import',
    admin,
    boardIdParam,
    limitBody(maxImportBodyBytes(deps.limits)),
    async (c) => {
      const boardId = c.req.param('id');
      // Read from the node request as it arrives, and parsed in the worker.
      const maxBytes = maxImportBodyBytes(deps.limits);
      const body = await readUpload(c.env.incoming, maxBytes);
      if (body === 'too-large') {
        throw new HttpError(
          413,
          HttpErrorCode.PAYLOAD_TOO_LARGE,
          `the body must be at most ${maxBytes} bytes`,
        );
      }
      const update = await deps.loader.readBoardFile(body.bytes, deps.limits.maxBoardBytes);
      if (typeof update === 'string') throw badRequest(update);
      let imported: boolean;
      try {
        imported = await importBoard(deps.rooms, boardId, update);
      } catch (error) {
        if (error instanceof BinaryFormatError) throw badRequest('update is not a Yjs update');
        if (error instanceof ProtocolError) throw badRequest(error.message);
        throw error;
      }
      if (!imported) {
        throw new HttpError(409, HttpErrorCode.CONFLICT, `board ${boardId} is not empty`);
      }
      return c.json({ imported: boardId }, 201, noStore);
    },
  );
  return app;
}
