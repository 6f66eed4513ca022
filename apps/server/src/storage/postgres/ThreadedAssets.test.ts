import { ImageType } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import type { AssetInfo, NewAsset, PutAssetResult, StoredAsset } from '../AssetStore.js';
import { ASSET_PART_BYTES, type AssetPutJob, type SentAsset } from './AssetBytes.js';
import type { PostgresAssets } from './PostgresAssets.js';
import type { PostgresWorker } from './PostgresWorker.js';
import { ThreadedAssets } from './ThreadedAssets.js';

/** The reader thread's side as `worker.ts` serves it, in this thread (parts held by token). */
function fakeReader(putResult: (data: Uint8Array) => AssetPutJob) {
  const parts = new Map<string, Uint8Array[]>();
  const sent: number[] = [];
  const dropped: string[] = [];
  const reader = {
    sendAssetPart: async (token: string, part: Uint8Array) => {
      sent.push(part.byteLength);
      parts.set(token, [...(parts.get(token) ?? []), part]);
    },
    dropAsset: async (token: string) => {
      dropped.push(token);
      parts.delete(token);
    },
    putAsset: async (_boardId: string, asset: SentAsset) =>
      putResult(new Uint8Array(Buffer.concat(parts.get(asset.token) ?? []))),
    readAssets: async () => ({
      result: [{ ...info, data: new Uint8Array([1, 2, 3]) }] satisfies StoredAsset[],
      damaged: ['bad'],
    }),
  };
  return { reader: reader as unknown as PostgresWorker, sent, dropped };
}

const info: AssetInfo = {
  assetId: 'a'.repeat(64),
  type: ImageType.PNG,
  width: 1,
  height: 1,
  bytes: 3,
};
const ok: PutAssetResult = { ok: true, asset: info, created: true };
const run = <T>(_doing: string, work: () => Promise<T>) => work();
const options = { maxBoardBytes: 1e9, now: 0 };

describe('ThreadedAssets', () => {
  it('sends an upload in parts of its own and leaves the caller its bytes', async () => {
    const data = new Uint8Array(ASSET_PART_BYTES * 2 + 5).map((_, i) => i % 251);
    let received: Uint8Array | null = null;
    const { reader, sent } = fakeReader((bytes) => {
      received = bytes;
      return { result: ok, damaged: [] };
    });
    const assets = new ThreadedAssets({} as PostgresAssets, reader, run, () => {});
    const { bytes: _, ...rest } = info;
    const asset: NewAsset = { ...rest, data };
    expect(await assets.put('b', asset, options)).toEqual(ok);
    expect(sent).toEqual([ASSET_PART_BYTES, ASSET_PART_BYTES, 5]);
    expect(received).toEqual(data);
    expect(data.byteLength).toBe(ASSET_PART_BYTES * 2 + 5);
  });

  it('drops the parts of an upload that failed, and reports damaged assets it read', async () => {
    const { reader, dropped } = fakeReader(() => {
      throw new Error('connection lost');
    });
    const damaged: string[] = [];
    const assets = new ThreadedAssets({} as PostgresAssets, reader, run, (_b, id) =>
      damaged.push(id),
    );
    const { bytes: _, ...rest } = info;
    const asset: NewAsset = { ...rest, data: new Uint8Array(10) };
    await expect(assets.put('b', asset, options)).rejects.toThrow('connection lost');
    expect(dropped).toHaveLength(1);
    expect((await assets.get('b', info.assetId))?.data).toEqual(new Uint8Array([1, 2, 3]));
    expect(damaged).toEqual(['bad']);
  });
});
