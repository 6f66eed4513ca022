import { promisify } from 'node:util';
import { deflateRawSync, inflateRaw } from 'node:zlib';
import { referencedAssets } from '@drawbridge/board';
import * as Y from 'yjs';
import { serverDoc } from '../serverDoc.js';

export interface BuiltVersion {
  /** The board's content as one Yjs update, deflated. */
  data: Uint8Array;
  /** Size of the update before deflating. */
  bytes: number;
  /** Assets the version refers to. */
  assetIds: string[];
}

/**
 * A version from a board's stored records (snapshot first, then records, in seq order): one
 * Yjs update of the whole board, compressed (a version is kept for weeks; Yjs updates of
 * boards deflate to a third or less), and the assets it refers to. Runs in worker threads.
 */
export function buildVersion(updates: readonly Uint8Array[]): BuiltVersion {
  const doc = serverDoc('version');
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    const state = Y.encodeStateAsUpdate(doc);
    return {
      data: deflateRawSync(state),
      bytes: state.byteLength,
      assetIds: [...referencedAssets(doc)].sort(),
    };
  } finally {
    doc.destroy();
  }
}

const inflateRawAsync = promisify(inflateRaw);

/**
 * A stored version's content, inflated on libuv's thread pool (a large board's version takes
 * tens of milliseconds to inflate: not on the event loop, nor in the thread serving commits).
 */
export const inflateVersion = async (data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await inflateRawAsync(data));
