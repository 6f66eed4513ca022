import { HttpErrorCode, type Limits, Role } from '@drawbridge/protocol';
import { Hono } from 'hono';
import * as Y from 'yjs';

import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import type { StoredVersion, VersionInfo, VersionStore } from '../../storage/VersionStore.js';
import { VersionFileBusyError, type VersionFiles } from '../../versions/VersionFiles.js';
import type { VersionKeeper } from '../../versions/VersionKeeper.js';
import { checkAccess, requestToken } from '../access.js';
import { boardIdParam, type HttpEnv } from '../context.js';
import { HttpError, limitBody, methodNotAllowed, notFound } from '../errors.js';
import { sendBytes } from '../sendBytes.js';

/** A joiner's state vector that holds nothing: what `sync` answers with the whole board. */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

export interface VersionDeps {
  access: BoardAccess;
  versions: VersionStore;
  rooms: RoomManager;
  keeper: VersionKeeper;
  versionFiles: VersionFiles;
  limits: Limits;
}

/** The listing of one version. */
const listed = (v: VersionInfo) => ({
  versionId: v.versionId,
  createdAt: new Date(v.createdAt).toISOString(),
  reason: v.reason,
  editors: v.editors,
  bytes: v.bytes,
});

/** A version never changes once taken (retention may delete it: then it is gone, 404). */
const immutable = (open: boolean) => `${open ? 'public' : 'private'}, max-age=31536000, immutable`;

/**
 * A board's versions, with the board's access rules: `GET /api/boards/:id/versions` lists them
 * (newest first), `GET .../versions/:versionId` is the version as a board file (or, with
 * `?format=yjs`, as one Yjs update: what the app opens read-only and restores from), and
 * `POST .../versions/:versionId/restore` (editors) makes the board equal to it as a new change
 * on top, which every member receives live.
 */
export function versionRoutes(deps: VersionDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const list = '/api/boards/:id/versions';
  const one = `${list}/:versionId`;
  const restore = `${one}/restore`;

  const find = async (boardId: string, raw: string): Promise<StoredVersion> => {
    const versionId = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    const version = Number.isSafeInteger(versionId)
      ? await deps.versions.get(boardId, versionId)
      : null;
    if (!version) throw notFound('this board has no such version');
    return version;
  };

  app.get(list, boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    await checkAccess(deps.access, boardId, requestToken(c));
    const versions = await deps.versions.list(boardId);
    return c.json({ versions: versions.map(listed) }, 200, { 'cache-control': 'no-store' });
  });
  app.all(list, methodNotAllowed(['GET']));

  app.get(one, boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    await checkAccess(deps.access, boardId, requestToken(c));
    const version = await find(boardId, c.req.param('versionId'));
    const headers = { 'cache-control': immutable(deps.access.open) };
    const { incoming, outgoing } = c.env;
    if (c.req.query('format') === 'yjs') {
      return sendBytes(
        incoming,
        outgoing,
        200,
        {
          ...headers,
          'content-type': 'application/octet-stream',
        },
        version.state,
      );
    }
    let file: Uint8Array;
    try {
      file = await deps.versionFiles.file(boardId, version);
    } catch (error) {
      if (!(error instanceof VersionFileBusyError)) throw error;
      c.header('retry-after', '2');
      throw new HttpError(503, HttpErrorCode.UNAVAILABLE, error.message);
    }
    return sendBytes(
      incoming,
      outgoing,
      200,
      {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
      },
      file,
    );
  });
  app.all(one, methodNotAllowed(['GET']));

  app.post(restore, boardIdParam, limitBody(1024), async (c) => {
    const boardId = c.req.param('id');
    const role = await checkAccess(deps.access, boardId, requestToken(c));
    if (role !== Role.EDITOR) {
      throw new HttpError(403, HttpErrorCode.FORBIDDEN, 'viewers cannot restore versions');
    }
    const version = await find(boardId, c.req.param('versionId'));
    const room = await deps.rooms.acquire(boardId);
    try {
      // On top of everything stored anywhere, not only what this node has seen.
      await room.catchUpNow();
      if (room.log.bytes + version.state.byteLength > deps.limits.maxBoardBytes) {
        throw new HttpError(
          413,
          HttpErrorCode.PAYLOAD_TOO_LARGE,
          'restoring this version would make the board larger than this server allows',
        );
      }
      // The change is worked out in a worker from the board as it is now; edits made meanwhile
      // stay, as any concurrent edit would.
      const { update: board } = await room.sync(EMPTY_STATE_VECTOR);
      const { update, summary } = await deps.versionFiles.restoreUpdate(board, version);
      if (update) await room.intake.applyServer(update);
      deps.keeper.edited(boardId, []);
      return c.json({ restored: version.info.versionId, ...summary }, 200, {
        'cache-control': 'no-store',
      });
    } finally {
      deps.rooms.releaseIfIdle(boardId);
    }
  });
  app.all(restore, methodNotAllowed(['POST']));
  return app;
}
