import { BoardModel, parseBoard, readBoardName } from '@drawbridge/board';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import type { StoredVersion } from '../storage/VersionStore.js';
import { VersionFileBusyError, VersionFiles } from './VersionFiles.js';

const rectAt = (x: number) => ({
  type: 'rect' as const,
  x,
  y: 0,
  w: 8,
  h: 8,
  stroke: '#1e1e1e',
  fill: 'none',
  strokeWidth: 2,
});

/** A version of a board named `name` with `shapes` rectangles, as the store hands it out. */
function version(versionId: number, name: string, shapes: number): StoredVersion {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  model.setName(name);
  for (let i = 0; i < shapes; i++) model.addShape(rectAt(i * 10));
  return {
    info: {
      versionId,
      boardId: 'b',
      createdAt: 0,
      reason: 'periodic',
      editors: [],
      throughSeq: 1,
      bytes: 0,
    },
    state: Y.encodeStateAsUpdate(doc),
  };
}

const decode = (file: Uint8Array) => parseBoard(new TextDecoder().decode(file));

describe('VersionFiles', () => {
  let files: VersionFiles | undefined;
  afterEach(async () => {
    await files?.close();
    files = undefined;
  });

  it('makes the board file in its worker, once per version, however many ask at once', async () => {
    files = new VersionFiles({ logger: silentLogger });
    const [a, b] = await Promise.all([
      files.file('b', version(1, 'Plans', 3)),
      files.file('b', version(1, 'Plans', 3)),
    ]);
    expect(a).toBe(b);
    expect(decode(a)).toMatchObject({ name: 'Plans', shapes: [{}, {}, {}] });
    // Kept: the same bytes, not made again.
    expect(await files.file('b', version(1, 'Plans', 3))).toBe(a);
    // Another version, or the same number on another board, is another file.
    const other = await files.file('c', version(1, 'Elsewhere', 1));
    expect(decode(other)).toMatchObject({ name: 'Elsewhere', shapes: [{}] });
  });

  it('refuses past its queue, and keeps no more than its byte budget', async () => {
    files = new VersionFiles({ logger: silentLogger, maxQueue: 1, maxCachedBytes: 5000 });
    const first = files.file('b', version(1, 'One', 10));
    await expect(files.file('b', version(2, 'Two', 10))).rejects.toBeInstanceOf(
      VersionFileBusyError,
    );
    const one = await first;
    // One file fits the budget, two do not.
    expect(one.byteLength).toBeGreaterThan(2500);
    expect(one.byteLength).toBeLessThan(5000);
    const two = await files.file('b', version(2, 'Two', 10));
    expect(decode(two).name).toBe('Two');
    // Both do not fit: the older went, and is made anew when asked for.
    const again = await files.file('b', version(1, 'One', 10));
    expect(again).not.toBe(one);
    expect(again).toEqual(one);
    expect(await files.file('b', version(1, 'One', 10))).toBe(again);
  });

  it('works out in its worker the update that makes a board equal to a version', async () => {
    files = new VersionFiles({ logger: silentLogger });
    const then = version(1, 'Then', 3);
    const wanted = new Y.Doc();
    Y.applyUpdate(wanted, then.state);
    const board = new Y.Doc();
    Y.applyUpdate(board, then.state);
    // Since: renamed, one shape moved, one deleted, two added.
    const model = new BoardModel(board);
    model.setName('Now');
    const [first, second] = model.shapes();
    model.updateShape(first!.id, { x: 500 });
    model.deleteShapes([second!.id]);
    for (let i = 0; i < 2; i++) model.addShape(rectAt(900 + i));
    const asStored = () => ({ info: then.info, state: Y.encodeStateAsUpdate(wanted) });

    const { update, summary } = await files.restoreUpdate(Y.encodeStateAsUpdate(board), asStored());
    expect(summary).toEqual({ added: 1, removed: 2, changed: 1 });
    Y.applyUpdate(board, update!);
    expect(readBoardName(board)).toBe('Then');
    const plain = (doc: Y.Doc) =>
      new BoardModel(doc)
        .shapes()
        .map(({ id, x, y }) => ({ id, x, y }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(plain(board)).toEqual(plain(wanted));
    // Already equal: nothing to do.
    expect(await files.restoreUpdate(Y.encodeStateAsUpdate(board), asStored())).toEqual({
      update: null,
      summary: { added: 0, removed: 0, changed: 0 },
    });
  });
});
