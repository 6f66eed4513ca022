/** Shared pieces of the images-and-versions contract: fixtures, builders and times. */
import { createHash, randomBytes } from 'node:crypto';
import { BoardModel, type NewShape } from '@drawbridge/board';
import * as Y from 'yjs';
import type { AssetStore, NewAsset } from '../AssetStore.js';
import type { Storage } from '../Storage.js';
import type { RetentionPolicy, TakeOptions, VersionStore } from '../VersionStore.js';

export interface BoardDataFixture {
  storage: Storage & { assets: AssetStore; versions: VersionStore };
  /** Another writer on the same database. */
  openSecond?: () => Promise<Storage & { assets: AssetStore; versions: VersionStore }>;
  /** Damages the stored bytes of an asset. */
  damageAsset?: (assetId: string) => Promise<void>;
  /** Damages the stored bytes of every version of a board. */
  damageVersions?: (boardId: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 0, 10, 12);
export const RETENTION: RetentionPolicy = { keepAllMs: DAY, keepDailyMs: 30 * DAY };
export const MB = 1024 * 1024;

export function asset(seed: string, size = 64): NewAsset {
  const data = new Uint8Array(size);
  const digest = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i++) data[i] = digest[i % digest.length]! ^ (i & 0xff);
  return {
    assetId: createHash('sha256').update(data).digest('hex'),
    type: 'image/png',
    width: 4,
    height: 2,
    data,
  };
}

export const image = (assetId: string, x = 0): NewShape =>
  ({
    type: 'image',
    x,
    y: 0,
    w: 40,
    h: 20,
    stroke: '#1e1e1e',
    fill: 'none',
    strokeWidth: 0,
    assetId,
    naturalWidth: 4,
    naturalHeight: 2,
  }) as NewShape;

/** A client's board whose every edit is appended to storage, as the server would. */
export function boardWriter(storage: Storage, boardId: string) {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const pending: Promise<number>[] = [];
  doc.on('update', (update: Uint8Array) => pending.push(storage.append(boardId, update)));
  return {
    model,
    doc,
    /** Runs an edit and waits until it is stored. */
    async edit(fn: (model: BoardModel) => void): Promise<void> {
      fn(model);
      await Promise.all(pending.splice(0));
    },
  };
}

export const take = (
  versions: VersionStore,
  boardId: string,
  now: number,
  reason: TakeOptions['reason'] = 'leave',
  minIntervalMs = 10 * 60 * 1000,
) => versions.take(boardId, { reason, now, minIntervalMs, retention: RETENTION });

/** What every case reads: the current fixture's storage and stores. */
export interface BoardDataContext {
  fixture: BoardDataFixture;
  storage: BoardDataFixture['storage'];
  assets: AssetStore;
  versions: VersionStore;
  put: (boardId: string, a: NewAsset, maxBoardBytes?: number, now?: number) => Promise<unknown>;
}

/**
 * A board whose snapshot and versions take several parts even deflated (SQLite stores them in
 * parts of 256 KB): shapes with random text (a version of ordinary shapes deflates to a few
 * percent of its size). Its doc and the updates that built it, 50 shapes each.
 */
export function noisyBoard(shapes: number, seed: string): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < shapes; i += 50) {
    doc.transact(() => {
      for (let j = i; j < i + 50; j++) {
        const text = randomBytes(3000).toString('base64');
        doc.getMap('shapes').set(`${seed}-${j}`, new Y.Map([['text', text]]));
      }
    });
  }
  return { doc, updates };
}
