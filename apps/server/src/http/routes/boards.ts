import { BinaryFormatError, HttpErrorCode, type Limits, ProtocolError } from '@drawbridge/protocol';
import { Hono } from 'hono';
import type { BoardAdmin } from '../../admin/BoardAdmin.js';
import {
  exportBoard,
  importBoard,
  maxImportBodyBytes,
  readBoardExport,
} from '../../admin/BoardTransfer.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { requireAdmin } from '../admin.js';
import { boardIdParam, type HttpEnv } from '../context.js';
import {
  badRequest,
  HttpError,
  limitBody,
  methodNotAllowed,
  notFound,
  readJson,
} from '../errors.js';

export interface BoardsDeps {
  boardAdmin: BoardAdmin;
  rooms: RoomManager;
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
    const file = await exportBoard(deps.rooms, c.req.param('id'));
    return c.json(file, 200, {
      ...noStore,
      'content-disposition': `attachment; filename="${file.boardId}.drawbridge-board.json"`,
    });
  });

  app.post(
    '/api/boards/:id/import',
    admin,
    boardIdParam,
    limitBody(maxImportBodyBytes(deps.limits)),
    async (c) => {
      const boardId = c.req.param('id');
      const update = await readJson(c, (value) => {
        const read = readBoardExport(value, deps.limits);
        if (typeof read === 'string') throw badRequest(read);
        return read;
      });
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
