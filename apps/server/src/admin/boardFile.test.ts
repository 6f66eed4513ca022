import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readBoardFile, writeBoardFile } from './boardFile.js';

const limits = { maxBoardBytes: 1024 };
const meta = { boardId: 'b', name: 'Plans', exportedAt: '2026-12-05T00:00:00.000Z' };
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('board files', () => {
  it('reads back the update it wrote, from a view into a larger buffer too', () => {
    const doc = new Y.Doc();
    doc.getMap('shapes').set('a', { x: 1, text: 'é' });
    const update = Y.encodeStateAsUpdate(doc);
    const padded = new Uint8Array(update.byteLength + 8);
    padded.set(update, 4);
    const file = writeBoardFile(meta, padded.subarray(4, 4 + update.byteLength));
    expect(JSON.parse(new TextDecoder().decode(file))).toMatchObject({
      type: 'drawbridge/board-export',
      version: 1,
      ...meta,
    });
    expect(readBoardFile(file, limits)).toEqual(update);
  });

  it('says why a file is not one', () => {
    const good = JSON.parse(new TextDecoder().decode(writeBoardFile(meta, new Uint8Array([0, 0]))));
    const cases: Array<[Uint8Array, string]> = [
      [utf8('{"type":'), 'the body is not JSON'],
      [new Uint8Array([0x7b, 0xff, 0x7d]), 'the body is not JSON'],
      [utf8('[1]'), 'type must be drawbridge/board-export'],
      [utf8('null'), 'the body must be a board export'],
      [utf8(JSON.stringify({ ...good, version: 2 })), 'version must be 1'],
      [utf8(JSON.stringify({ ...good, update: 'not base64!' })), 'update must be base64'],
      [
        utf8(JSON.stringify({ ...good, update: Buffer.alloc(2048).toString('base64') })),
        'the board is larger than this server allows',
      ],
    ];
    for (const [bytes, why] of cases) expect(readBoardFile(bytes, limits)).toBe(why);
  });
});
