import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { scrapeMetric } from './utils/metrics.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

describe('offline edits', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('edits made offline on both sides merge on reconnect', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'offline');
    const b = connectPeer(server.url, 'offline');
    peers = [a, b];
    await Promise.all(peers.map(whenLive));
    a.doc.getText('text').insert(0, 'shared start');
    await whenSaved(a);
    await expectConverged([a.doc, b.doc]);

    // A drops off (train tunnel); both keep drawing.
    a.provider.socket.disconnect();
    await a.provider.when((s) => s.status === 'offline');
    for (let i = 0; i < 20; i++) a.doc.getMap('shapes').set(`a-${i}`, { i });
    a.doc.getText('text').insert(0, 'A says hi. ');
    expect(a.provider.state.unsaved).toBe(21);
    for (let i = 0; i < 15; i++) b.doc.getMap('shapes').set(`b-${i}`, { i });
    b.doc.getText('text').insert(b.doc.getText('text').length, ' B was here.');
    b.doc.getText('text').delete(0, 6);
    await whenSaved(b);
    expect(a.doc.getMap('shapes').has('b-0')).toBe(false);

    a.provider.socket.connect();
    await whenSaved(a);
    await expectConverged([a.doc, b.doc]);
    const shapes = b.doc.getMap('shapes');
    expect(shapes.size).toBe(35);
    expect(b.doc.getText('text').toString()).toContain('A says hi.');
    expect(b.doc.getText('text').toString()).toContain('B was here.');

    // And the server stored all of it: a fresh peer sees the merged board.
    const c = connectPeer(server.url, 'offline');
    peers.push(c);
    await whenLive(c);
    await expectConverged([a.doc, b.doc, c.doc]);
  });

  it('a deletion made offline (which leaves the state vector as it was) still syncs', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'deletes');
    const b = connectPeer(server.url, 'deletes');
    peers = [a, b];
    await Promise.all(peers.map(whenLive));
    a.doc.getMap('shapes').set('doomed', { x: 1 });
    a.doc.getMap('shapes').set('kept', { x: 2 });
    await whenSaved(a);
    await expectConverged([a.doc, b.doc]);
    a.provider.socket.disconnect();
    await a.provider.when((s) => s.status === 'offline');
    const before = Buffer.from(Y.encodeStateVector(a.doc)).toString('base64');
    a.doc.getMap('shapes').delete('doomed');
    expect(Buffer.from(Y.encodeStateVector(a.doc)).toString('base64')).toBe(before);
    a.provider.socket.connect();
    await whenSaved(a);
    await expectConverged([a.doc, b.doc]);
    expect(b.doc.getMap('shapes').has('doomed')).toBe(false);
  });

  it('a rejoin with nothing new sends nothing, even on a board with deletions', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'quiet');
    peers = [a];
    await whenLive(a);
    a.doc.getText('text').insert(0, 'hello world');
    a.doc.getText('text').delete(0, 6);
    await whenSaved(a);
    const updatesIn = () =>
      scrapeMetric(server.url, 'drawbridge_updates_in_total{event="doc:update"}', 0);
    const sent = await updatesIn();
    a.provider.socket.disconnect();
    await a.provider.when((s) => s.status === 'offline');
    a.provider.socket.connect();
    await whenSaved(a);
    // A later round trip proves the server has seen everything the rejoin sent.
    a.doc.getMap('shapes').set('probe', 1);
    await whenSaved(a);
    expect(await updatesIn()).toBe(sent + 1);
  });

  it('a rejoin leaves out content the doc holds pending; it lands once its author sends the gap', async () => {
    server = await startServer();
    // The author's edits 1-3 reached this doc without edit 2 (a copy restored from elsewhere):
    // Yjs holds edit 3 pending, and puts it in every encodeStateAsUpdate after a Skip.
    const author = new Y.Doc();
    const edits: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => edits.push(update));
    for (const key of ['one', 'two', 'three']) author.getMap('shapes').set(key, { key });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, edits[0]!);
    Y.applyUpdate(doc, edits[2]!);
    expect(doc.store.pendingStructs).not.toBeNull();
    doc.getMap('shapes').set('mine', { key: 'mine' });

    // Its join sends what the server can take (edit 1 and its own), and nothing it cannot.
    const a = connectPeer(server.url, 'pending', { doc });
    peers = [a];
    await whenSaved(a);
    expect(a.provider.state.error).toBeNull();
    const viewer = connectPeer(server.url, 'pending');
    peers.push(viewer);
    await whenLive(viewer);
    await vi.waitFor(
      () => expect([...viewer.doc.getMap('shapes').keys()].sort()).toEqual(['mine', 'one']),
      { timeout: 5000, interval: 20 },
    );

    // The author joins with all three: the board, and the doc that held edit 3 pending, are whole.
    const writer = connectPeer(server.url, 'pending', { doc: author });
    peers.push(writer);
    await whenSaved(writer);
    await expectConverged([a.doc, viewer.doc, author]);
    expect([...a.doc.getMap('shapes').keys()].sort()).toEqual(['mine', 'one', 'three', 'two']);
  });

  it('counts unsaved changes while offline and reports saved once acked', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'saved');
    peers = [a];
    await whenLive(a);
    a.doc.getMap('shapes').set('x', 1);
    expect(a.provider.state.unsaved).toBe(1);
    await whenSaved(a);
    expect(a.provider.state.unsaved).toBe(0);
  });
});
