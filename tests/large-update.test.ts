/**
 * A member's large update (a paste of thousands of shapes) against a real server: scanned and
 * applied in slices, so other boards' round trips go on meanwhile; the board's next updates
 * wait for it (one that builds on it is never refused); everyone converges on it.
 */
import { BoardModel } from '@drawbridge/board';
import { ErrorCode, toBytes } from '@drawbridge/protocol';
import { afterEach, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LARGE_UPDATE_BYTES } from '../apps/server/src/rooms/UpdateIntake.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenLive } from './utils/peers.js';
import { connectRaw, joinRaw, type RawSocket, sendUpdate } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

let server: TestServer | undefined;
const sockets: RawSocket[] = [];
const peers: Peer[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  destroyAll(peers.splice(0));
  await server?.destroy();
  server = undefined;
});

/** A raw member of `boardId` whose doc holds the board as joined. */
async function member(boardId: string): Promise<{ socket: RawSocket; doc: Y.Doc }> {
  const socket = await connectRaw(server!.url);
  sockets.push(socket);
  const doc = new Y.Doc();
  const joined = await joinRaw(socket, boardId, doc);
  if (!joined.ok) throw new Error(`join refused: ${joined.error.code}`);
  Y.applyUpdate(doc, toBytes(joined.update)!, 'server');
  return { socket, doc };
}

/** The update `change` makes to `doc`, in one transaction. */
function updateOf(doc: Y.Doc, change: (model: BoardModel) => void): Uint8Array {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', capture);
  doc.transact(() => change(new BoardModel(doc)));
  doc.off('update', capture);
  return update!;
}

const rect = (i: number) => ({
  type: 'rect' as const,
  x: (i % 100) * 20,
  y: Math.floor(i / 100) * 20,
  w: 16,
  h: 16,
  stroke: '#1e1e1e',
  fill: 'none',
  strokeWidth: 2,
});

it('applies a large paste in slices: relayed as it goes, other boards answered meanwhile, the next edit after it, all converge', async () => {
  server = await startServer();
  const paster = await member('paste');
  const watcher = connectPeer(server.url, 'paste');
  peers.push(watcher);
  await whenLive(watcher);
  const other = await member('elsewhere');
  const count = 6000;
  const paste = updateOf(paster.doc, (model) => {
    for (let i = 0; i < count; i++) model.addShape(rect(i));
  });
  expect(paste.byteLength).toBeGreaterThan(LARGE_UPDATE_BYTES);
  // Moves one of the pasted shapes: it builds on the paste.
  const last = new BoardModel(paster.doc).shapes().at(-1)!;
  const move = updateOf(paster.doc, (model) => model.updateShape(last.id, { x: -50 }));
  // What the watcher holds after each frame it receives.
  const seen: number[] = [];
  watcher.doc.on('update', () => seen.push(new BoardModel(watcher.doc).shapes().length));

  const order: string[] = [];
  let pasteDone = false;
  const pasteAck = sendUpdate(paster.socket, 'paste', paste).then((ack) => {
    order.push('paste');
    pasteDone = true;
    return ack;
  });
  const moveAck = sendUpdate(paster.socket, 'paste', move).then((ack) => {
    order.push('move');
    return ack;
  });
  // Once the first of it is relayed, another board's round trips go on while the rest lands.
  await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0), { timeout: 10_000 });
  let n = 0;
  while (!pasteDone) {
    const edit = updateOf(other.doc, (model) => model.setName(`edit ${n++}`));
    expect(await sendUpdate(other.socket, 'elsewhere', edit)).toEqual({ ok: true });
    if (!pasteDone) order.push('elsewhere');
  }
  expect(await pasteAck).toEqual({ ok: true });
  expect(await moveAck).toEqual({ ok: true });
  // Relayed in parts (in one go, the first frame would hold it all) ...
  expect(seen[0]).toBeGreaterThan(0);
  expect(seen[0]).toBeLessThan(count);
  // ... with another board answered before the paste was whole, and the move acked after it.
  expect(order.indexOf('elsewhere')).toBeGreaterThanOrEqual(0);
  expect(order.indexOf('elsewhere')).toBeLessThan(order.indexOf('paste'));
  expect(order.indexOf('paste')).toBeLessThan(order.indexOf('move'));

  // A late joiner gets it all from the server's document.
  const late = connectPeer(server.url, 'paste');
  peers.push(late);
  await expectConverged([paster.doc, watcher.doc, late.doc]);
  expect(new BoardModel(late.doc).shapes()).toHaveLength(count);
  expect(new BoardModel(late.doc).shapes().find((s) => s.x === -50)).toBeDefined();
});

it('refuses a large update that does not scan, as a small one would, and keeps the board', async () => {
  server = await startServer();
  const { socket, doc } = await member('bad');
  const good = updateOf(doc, (model) => {
    for (let i = 0; i < 3000; i++) model.addShape(rect(i));
  });
  // Cut short: the scan fails in the worker.
  const ack = await sendUpdate(socket, 'bad', good.subarray(0, good.byteLength - 1000));
  expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_UPDATE } });
  // The board still takes updates (the gate reopened).
  expect(await sendUpdate(socket, 'bad', good)).toEqual({ ok: true });
});
