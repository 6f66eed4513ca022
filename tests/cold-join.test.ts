/**
 * A large board's first joins, while the server is still filling its document in the
 * background: the joiners get the whole stored board at once, their edits wait until the
 * document is whole, and everyone converges with what is stored.
 */
import { BoardModel } from '@drawbridge/board';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';
import { connectRaw, fetchBoard, joinRaw } from './utils/rawClient.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

let server: TestServer | undefined;
let peers: Peer[] = [];

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await server?.destroy();
  server = undefined;
});

/**
 * A board of `count` shapes, as the app writes them 500 at a time (each an update given to
 * `onUpdate`), stored as one compacted snapshot.
 */
async function storeBoard(
  dataDir: string,
  boardId: string,
  count: number,
  onUpdate?: (update: Uint8Array) => void,
): Promise<Y.Doc> {
  const doc = new Y.Doc();
  if (onUpdate) doc.on('update', onUpdate);
  const model = new BoardModel(doc);
  const shapes = Array.from({ length: count }, (_, i) => ({
    type: 'rect' as const,
    x: (i % 50) * 60,
    y: Math.floor(i / 50) * 60,
    w: 40,
    h: 40,
    stroke: '#1e1e1e',
    fill: 'none',
    strokeWidth: 2,
  }));
  for (let i = 0; i < count; i += 500) model.addShapes(shapes.slice(i, i + 500));
  const storage = new SqliteStorage({ file: dbFile(dataDir) });
  await storage.append(boardId, Y.encodeStateAsUpdate(doc));
  await storage.compact(boardId);
  await storage.close();
  return doc;
}

/** One small shape, as a member's edit. */
function addEllipse(doc: Y.Doc): void {
  new BoardModel(doc).addShape({
    type: 'ellipse',
    x: 0,
    y: 0,
    w: 10,
    h: 10,
    stroke: '#e03131',
    fill: 'none',
    strokeWidth: 2,
  });
}

it('answers the first joins of a large board from storage and takes their edits once loaded', async () => {
  const dataDir = tempDir();
  const original = await storeBoard(dataDir, 'large', 3000);
  expect(Y.encodeStateAsUpdate(original).byteLength).toBeGreaterThan(256 * 1024);
  server = await startServer({ dataDir });

  // Several cold joiners at once, one of them editing straight away.
  const [a, b, c] = [0, 1, 2].map(() => connectPeer(server!.url, 'large'));
  peers.push(a!, b!, c!);
  const edited = new Promise<void>((resolve) => {
    a!.provider
      .when((state) => state.synced)
      .then(() => {
        expect(a!.doc.getMap('shapes').size).toBe(3000);
        addEllipse(a!.doc);
        resolve();
      });
  });
  await edited;
  await Promise.all(peers.map(whenSaved));
  await expectConverged(peers.map((p) => p.doc));
  expect(b!.doc.getMap('shapes').size).toBe(3001);
  const stored = await fetchBoard(server.url, 'large');
  await expectConverged([a!.doc, stored]);
});

it('answers joiners of a large board with the board as it is at each join, before and after an edit', async () => {
  const dataDir = tempDir();
  await storeBoard(dataDir, 'shared', 3000);
  server = await startServer({ dataDir });
  // Joins at once get the same answer (the server may send them one frame: see sharedFrames.ts).
  const first = await Promise.all([0, 1, 2].map(() => fetchBoard(server!.url, 'shared')));
  for (const doc of first) expect(doc.getMap('shapes').size).toBe(3000);
  await expectConverged(first);

  const editor = connectPeer(server.url, 'shared');
  peers.push(editor);
  await editor.provider.when((state) => state.synced);
  addEllipse(editor.doc);
  await whenSaved(editor);
  // Not the answer made before the edit: each later joiner holds the new shape.
  const later = await Promise.all([0, 1, 2].map(() => fetchBoard(server!.url, 'shared')));
  for (const doc of later) expect(doc.getMap('shapes').size).toBe(3001);
  await expectConverged([editor.doc, ...later]);
});

it('answers a joiner that lacks most of a large board with the whole board, while it loads and once loaded', async () => {
  const dataDir = tempDir();
  const batches: Uint8Array[] = [];
  await storeBoard(dataDir, 'behind', 3000, (update) => batches.push(update));
  server = await startServer({ dataDir });
  // A client that saw the first 500 shapes, then drew offline: it lacks the other 2,500.
  const behind = () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, batches[0]!);
    addEllipse(doc);
    return doc;
  };
  const socket = await connectRaw(server.url);
  try {
    // The first join loads the board; the second finds it loaded.
    for (const when of ['loading', 'loaded']) {
      const joined = await joinRaw(socket, 'behind', behind());
      if (!joined.ok) throw new Error(`${when}: ${joined.error.message}`);
      // The whole board: its first 500 shapes too, so it applies on an empty document.
      const answer = new Y.Doc();
      Y.applyUpdate(answer, joined.update);
      expect(answer.store.pendingStructs, when).toBeNull();
      expect(answer.getMap('shapes').size, when).toBe(3000);
    }
  } finally {
    socket.disconnect();
  }
  const peer = connectPeer(server.url, 'behind', { doc: behind() });
  const other = connectPeer(server.url, 'behind');
  peers.push(peer, other);
  await Promise.all(peers.map(whenSaved));
  await expectConverged(peers.map((p) => p.doc));
  expect(other.doc.getMap('shapes').size).toBe(3001);
  await expectConverged([peer.doc, await fetchBoard(server.url, 'behind')]);
});
