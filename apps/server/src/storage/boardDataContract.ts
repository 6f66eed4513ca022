/**
 * The behaviour every backend's images and versions must show (see `AssetStore.ts` and
 * `VersionStore.ts`): content addressing, board totals, access by link, collection of what
 * nothing refers to, versions taken only when something changed, retention, credit for
 * editors, one taker at a time across writers, and damaged rows never served.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { assetCases } from './assetContract.js';
import type { BoardDataContext, BoardDataFixture } from './testing/boardDataKit.js';
import { MB, T0 } from './testing/boardDataKit.js';
import { versionCases } from './versionContract.js';

export type { BoardDataFixture } from './testing/boardDataKit.js';

export function describeBoardDataContract(
  name: string,
  factory: () => Promise<BoardDataFixture>,
): void {
  describe(`${name}: images and versions`, () => {
    let context: BoardDataContext;

    beforeEach(async () => {
      const fixture = await factory();
      const { storage } = fixture;
      context = {
        fixture,
        storage,
        assets: storage.assets,
        versions: storage.versions,
        put: (boardId, a, maxBoardBytes = 10 * MB, now = T0) =>
          storage.assets.put(boardId, a, { maxBoardBytes, now }),
      };
    });

    afterEach(async () => {
      await context.fixture.cleanup();
    });

    assetCases(() => context);
    versionCases(() => context);
  });
}
