/**
 * Images and version history, wired for one server: the version keeper fed by the rooms'
 * activity, and the collector of unused images. Kept out of `createServer` so the factory
 * only plugs them in.
 */
import { AssetCollector } from './assets/AssetCollector.js';
import type { Clock } from './clock.js';
import type { ImageOptions, VersionOptions } from './config.js';
import type { Logger } from './logger.js';
import type { RoomActivity } from './rooms/BoardRoomDeps.js';
import type { RoomManager } from './rooms/RoomManager.js';
import type { Storage } from './storage/Storage.js';
import type { TakeResult } from './storage/VersionStore.js';
import { VersionKeeper } from './versions/VersionKeeper.js';

export interface BoardDataDeps {
  storage: Storage;
  /** Read lazily: the rooms are built with this module's activity hooks. */
  rooms: () => RoomManager;
  clock: Clock;
  logger: Logger;
  images: ImageOptions;
  versions: VersionOptions;
  onVersion?: (boardId: string, result: TakeResult) => void;
}

export interface BoardData {
  keeper: VersionKeeper;
  collector: AssetCollector;
  /** What the rooms report to (`BoardRoomDeps.activity`). */
  activity: RoomActivity;
  /** Takes the versions still due and stops; call before storage closes. */
  close(): Promise<void>;
}

export function createBoardData(deps: BoardDataDeps): BoardData {
  const keeper = new VersionKeeper({
    versions: deps.storage.versions,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'versions' }),
    intervalMs: deps.versions.intervalMs,
    retention: deps.versions.retention,
    flush: async (boardId) => {
      await deps.rooms().get(boardId)?.flush();
    },
    ...(deps.onVersion ? { onTake: deps.onVersion } : {}),
  });
  const collector = new AssetCollector({
    assets: deps.storage.assets,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'assets' }),
    graceMs: deps.images.graceMs,
  });
  return {
    keeper,
    collector,
    activity: {
      edited: (room, memberId) => keeper.edited(room.boardId, room.registry.namesOf(memberId)),
      emptied: (room) => keeper.lastMemberLeft(room.boardId),
    },
    async close() {
      await Promise.allSettled([keeper.close(), collector.close()]);
    },
  };
}
