/**
 * Durability across process death and restarts, with the real server as a child process (or
 * in-process where a process adds nothing), real SQLite files and real sockets.
 */
import { rmSync } from 'node:fs';
import {
  type ClientToServerEvents,
  type JoinResult,
  PROTOCOL_VERSION,
  parser,
  type ServerToClientEvents,
  toBytes,
} from '@drawbridge/protocol';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connectPeer, expectConverged, type Peer, whenLive, whenSaved } from './utils/peers.js';
import { killAllServers, spawnServer } from './utils/process.js';
import { createRandom } from './utils/random.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Random = ReturnType<typeof createRandom>;

/** Rate limiting is not under test here: a burst of edits must not be refused. */
const ENV = { MAX_MESSAGES_PER_SECOND: '100000' };
const COLORS = ['red', 'green', 'blue', 'black', 'orange'] as const;
const verbose = process.env.DRAWBRIDGE_TEST_VERBOSE === '1';
const report = (figures: Record<string, unknown>) => {
  if (verbose) console.info(JSON.stringify(figures));
};

let peers: Peer[] = [];
let rawSockets: RawSocket[] = [];
let inProcess: TestServer[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const peer of peers) {
    peer.provider.destroy();
    peer.doc.destroy();
  }
  for (const socket of rawSockets) socket.disconnect();
  peers = [];
  rawSockets = [];
  await killAllServers();
  await Promise.all(inProcess.map((server) => server.stop()));
  inProcess = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const newDataDir = (): string => {
  const dir = tempDir('drawbridge-restart-');
  dirs.push(dir);
  return dir;
};

const peer = (url: string, boardId: string): Peer => {
  const created = connectPeer(url, boardId);
  peers.push(created);
  return created;
};

/** Resolves once `predicate(doc)` holds, checking after every transaction on the doc. */
function untilDoc(doc: Y.Doc, predicate: (doc: Y.Doc) => boolean): Promise<void> {
  if (predicate(doc)) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!predicate(doc)) return;
      doc.off('afterTransaction', check);
      resolve();
    };
    doc.on('afterTransaction', check);
  });
}

/** A `board:join` over a bare Socket.IO connection; returns the decoded ack. */
async function rawJoin(url: string, boardId: string, stateVector: Uint8Array) {
  const socket: RawSocket = io(url, { parser, transports: ['websocket'], forceNew: true });
  rawSockets.push(socket);
  const result = await socket.timeout(5000).emitWithAck('board:join', {
    boardId,
    protocol: PROTOCOL_VERSION,
    stateVector,
  });
  socket.disconnect();
  if (!result.ok) throw new Error(`join refused: ${result.error.code} ${result.error.message}`);
  const joined = result as JoinResult;
  return { update: toBytes(joined.update)!, stateVector: toBytes(joined.stateVector)! };
}

async function metric(url: string, name: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`metric ${name} not found in:\n${body}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  expect(Buffer.from(a).toString('hex')).toBe(Buffer.from(b).toString('hex'));

/** Deep content of every root type the rich-content test uses (formatting included). */
const richSnapshot = (doc: Y.Doc) => ({
  shapes: doc.getMap('shapes').toJSON(),
  order: doc.getArray('order').toJSON(),
  text: doc.getText('text').toDelta(),
  meta: doc.getMap('meta').toJSON(),
});

/** One random edit of the rich-content test, in its own transaction (one `doc:update`). */
function richEdit(doc: Y.Doc, rng: Random, tag: string): void {
  const shapes = doc.getMap<Y.Map<unknown>>('shapes');
  const order = doc.getArray<string>('order');
  const text = doc.getText('text');
  const keys = [...shapes.keys()];
  doc.transact(() => {
    const op = rng.int(8);
    if (op <= 1 || keys.length === 0) {
      const shape = new Y.Map<unknown>();
      const label = new Y.Text();
      const points = new Y.Array<number>();
      shape.set('color', rng.pick(COLORS));
      shape.set('label', label);
      shape.set('points', points);
      label.insert(0, `label ${tag}`);
      points.push([rng.int(100), rng.int(100)]);
      shapes.set(tag, shape);
      order.push([tag]);
    } else if (op === 2) {
      const shape = shapes.get(rng.pick(keys))!;
      const label = shape.get('label') as Y.Text;
      if (label.length > 2 && rng.next() < 0.5) label.delete(rng.int(label.length - 1), 1);
      else label.insert(rng.int(label.length + 1), rng.pick(COLORS));
    } else if (op === 3) {
      const shape = shapes.get(rng.pick(keys))!;
      (shape.get('points') as Y.Array<number>).push([rng.int(100)]);
      shape.set('color', rng.pick(COLORS));
    } else if (op === 4 && keys.length > 3) {
      const key = rng.pick(keys);
      shapes.delete(key);
      const index = order.toArray().indexOf(key);
      if (index >= 0) order.delete(index, 1);
    } else if (op === 5 && text.length > 4) {
      text.delete(rng.int(text.length - 2), 1 + rng.int(2));
    } else if (op === 6 && text.length > 0) {
      text.format(rng.int(text.length), 1 + rng.int(3), { bold: rng.next() < 0.5 || null });
    } else {
      text.insert(rng.int(text.length + 1), `${tag} `, rng.next() < 0.3 ? { italic: true } : {});
      const nested = new Y.Map<number>();
      nested.set('n', rng.int(1000));
      doc.getMap('meta').set(tag, nested);
    }
  });
}

describe('restart and durability', () => {
  it('kill -9 mid-edit loses nothing that was acked; peers resync after a restart', async () => {
    const dataDir = newDataDir();
    const boardId = 'crash';
    const first = await spawnServer({ dataDir, env: ENV });
    const editors = [peer(first.url, boardId), peer(first.url, boardId)];
    await Promise.all(editors.map(whenLive));

    const KILL_AFTER_ACKS = 150;
    const created: string[][] = editors.map(() => []);
    const acked: Set<string>[] = editors.map(() => new Set());
    const ackedTotal = () => acked.reduce((sum, keys) => sum + keys.size, 0);
    let killed = false;

    /**
     * Each round makes 1-4 edits (each its own transaction, so its own `doc:update`) without
     * waiting, then waits for `unsaved === 0`: every key made so far is then acked as stored.
     * The round that crosses the threshold kills the server right after sending its edits.
     */
    const editLoop = async (index: number) => {
      const { doc, provider } = editors[index]!;
      const rng = createRandom(9000 + index);
      const shapes = doc.getMap('shapes');
      const text = doc.getText('text');
      while (!killed) {
        const batch = 1 + rng.int(4);
        for (let k = 0; k < batch; k++) {
          const key = `peer-${index}-${created[index]!.length}`;
          doc.transact(() => {
            shapes.set(key, { x: rng.int(1000), y: rng.int(1000), color: rng.pick(COLORS) });
            // Text edits make later edits depend on items of the other peer.
            if (text.length > 8 && rng.next() < 0.3) text.delete(rng.int(text.length - 4), 3);
            else text.insert(rng.int(text.length + 1), `${index}${k}`);
          });
          created[index]!.push(key);
        }
        if (ackedTotal() >= KILL_AFTER_ACKS) {
          killed = true;
          first.child.kill('SIGKILL');
          return;
        }
        const state = await provider.when(
          (s) => killed || s.error !== null || (s.status === 'live' && s.unsaved === 0),
        );
        if (!killed && state.error) {
          throw new Error(`peer ${index} refused: ${state.error.code} ${state.error.message}`);
        }
        if (state.status === 'live' && state.unsaved === 0) {
          for (const key of created[index]!) acked[index]!.add(key);
        }
      }
    };
    const loops = editors.map((_, index) => editLoop(index));

    // The loops end once the server is killed and their peer notices the dead connection.
    await Promise.all(loops);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(editors.map((e) => e.provider.when((s) => s.status !== 'live')));
    const allAcked = acked.flatMap((keys) => [...keys]);
    const allCreated = created.flat();
    expect(allAcked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    // The edits of the killing round at least were in flight.
    expect(allCreated.length).toBeGreaterThan(allAcked.length);

    // (1) What is on disk, seen by a fresh peer through a server on another port: the original
    // peers keep retrying the old port, so they cannot resend anything here.
    const second = await spawnServer({ dataDir, env: ENV });
    expect(second.port, 'port 0 handed out the killed server port again').not.toBe(first.port);
    const auditor = peer(second.url, boardId);
    await whenLive(auditor);
    const stored = auditor.doc.getMap('shapes');
    expect(allAcked.filter((key) => !stored.has(key))).toEqual([]);
    const durableUnacked = allCreated.filter((key) => !allAcked.includes(key) && stored.has(key));
    auditor.provider.destroy();
    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    // (2) A server on the killed server's port: the peers reconnect by themselves and resend
    // what it lacks.
    const third = await spawnServer({ dataDir, port: first.port, env: ENV });
    await Promise.all(editors.map(whenSaved));
    const late = peer(third.url, boardId);
    await whenLive(late);
    await expectConverged([...editors.map((e) => e.doc), late.doc]);
    const final = late.doc.getMap('shapes');
    expect(allCreated.filter((key) => !final.has(key))).toEqual([]);
    expect(final.size).toBe(allCreated.length);
    report({
      test: 'kill -9',
      acked: allAcked.length,
      created: allCreated.length,
      unackedAtKill: allCreated.length - allAcked.length,
      unackedButDurable: durableUnacked.length,
    });
  }, 60_000);

  it('SIGTERM flushes every applied update and exits 0', async () => {
    const dataDir = newDataDir();
    const boardId = 'term';
    const server = await spawnServer({ dataDir, env: ENV });
    const writer = peer(server.url, boardId);
    const reader = peer(server.url, boardId);
    await Promise.all([writer, reader].map(whenLive));

    const N = 300;
    const rng = createRandom(77);
    const shapes = writer.doc.getMap('shapes');
    for (let n = 0; n < N; n++) {
      writer.doc.transact(() =>
        shapes.set(`w-${n}`, { x: rng.int(1000), color: rng.pick(COLORS) }),
      );
    }
    // The reader has every edit: the server applied them all (relays follow the apply).
    await untilDoc(reader.doc, (doc) => doc.getMap('shapes').size === N);
    const exit = server.kill('SIGTERM');
    const unsavedAtTerm = writer.provider.state.unsaved;
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(server.logs.some((line) => line.includes('stopped cleanly'))).toBe(true);
    // Nothing may reach the next server but what the first one stored.
    writer.provider.destroy();
    reader.provider.destroy();

    const again = await spawnServer({ dataDir, env: ENV });
    const fresh = peer(again.url, boardId);
    await whenLive(fresh);
    expect(fresh.doc.getMap('shapes').size).toBe(N);
    await expectConverged([writer.doc, reader.doc, fresh.doc]);
    report({ test: 'SIGTERM', edits: N, unsavedAtTerm });
  }, 60_000);

  it('an idle-unloaded board reloads identically and compacted', async () => {
    const boardId = 'idle';
    const server = await startServer({ idleUnloadMs: 50, compactEvery: 5, dataDir: newDataDir() });
    inProcess.push(server);
    const editors = [peer(server.url, boardId), peer(server.url, boardId)];
    await Promise.all(editors.map(whenLive));

    const rngs = editors.map((_, i) => createRandom(4242 + i));
    let edits = 0;
    for (let round = 0; round < 6; round++) {
      for (const [i, editor] of editors.entries()) {
        for (let k = 0; k < 8; k++) richEdit(editor.doc, rngs[i]!, `p${i}-r${round}-${k}`);
        edits += 8;
      }
      await Promise.all(editors.map(whenSaved));
      await expectConverged(editors.map((e) => e.doc));
    }
    const original = editors[0]!.doc;
    const content = richSnapshot(original);
    const stateVector = Y.encodeStateVector(original);
    expect(Object.keys(content.shapes).length).toBeGreaterThan(3);
    expect(content.text.length).toBeGreaterThan(1);

    for (const editor of editors) editor.provider.destroy();
    await vi.waitFor(() => expect(server.server.rooms.size).toBe(0), {
      timeout: 5000,
      interval: 10,
    });
    expect(await metric(server.url, 'drawbridge_boards_loaded')).toBe(0);

    const fresh = peer(server.url, boardId);
    await whenLive(fresh);
    sameBytes(Y.encodeStateVector(fresh.doc), stateVector);
    expect(richSnapshot(fresh.doc)).toEqual(content);
    await expectConverged([...editors.map((e) => e.doc), fresh.doc]);

    // The load waited for the unload, compaction included; read the file itself.
    const db = new Database(dbFile(server.dataDir), { readonly: true, fileMustExist: true });
    try {
      const count = (table: string) =>
        (
          db.prepare(`SELECT count(*) AS n FROM ${table} WHERE board_id = ?`).get(boardId) as {
            n: number;
          }
        ).n;
      const rows = count('updates');
      expect(rows).toBeLessThan(edits);
      expect(count('snapshots')).toBe(1);
      report({ test: 'idle unload', edits, updateRowsAfterUnload: rows });
    } finally {
      db.close();
    }
  }, 60_000);

  it('a rejoin after a restart transfers only what is missing', async () => {
    const dataDir = newDataDir();
    const boardId = 'big';
    const server = await spawnServer({ dataDir, env: ENV });
    const owner = peer(server.url, boardId);
    await whenLive(owner);

    const rng = createRandom(31337);
    const shapes = owner.doc.getMap('shapes');
    const text = owner.doc.getText('text');
    for (let t = 0; t < 40; t++) {
      owner.doc.transact(() => {
        for (let s = 0; s < 10; s++) {
          const note = Array.from({ length: 40 }, () => rng.pick(COLORS)[0]).join('');
          shapes.set(`s-${t}-${s}`, { x: rng.int(2000), y: rng.int(2000), note });
        }
        text.insert(text.length, `paragraph ${t}: ${'lorem ipsum '.repeat(8)}\n`);
        if (t % 4 === 3) text.delete(rng.int(text.length - 10), 5);
      });
    }
    await whenSaved(owner);

    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    await owner.provider.when((s) => s.status !== 'live');
    const restarted = await spawnServer({ dataDir, port: server.port, env: ENV });
    // The owner reconnects by itself; its join carries its full state vector.
    await whenSaved(owner);
    const bytesOut = await metric(restarted.url, 'drawbridge_bytes_out_total');

    const full = await rawJoin(restarted.url, boardId, Y.encodeStateVector(owner.doc));
    const empty = await rawJoin(restarted.url, boardId, Y.encodeStateVector(new Y.Doc()));
    expect(empty.update.byteLength).toBeGreaterThan(10_000);
    expect(full.update.byteLength).toBeLessThan(100);
    expect(full.update.byteLength).toBeLessThan(empty.update.byteLength / 10);
    expect(bytesOut).toBeLessThan(100);
    sameBytes(full.stateVector, Y.encodeStateVector(owner.doc));

    const rebuilt = new Y.Doc();
    Y.applyUpdate(rebuilt, empty.update);
    const fresh = peer(restarted.url, boardId);
    await whenLive(fresh);
    await expectConverged([owner.doc, rebuilt, fresh.doc]);
    rebuilt.destroy();
    report({
      test: 'rejoin',
      fullJoinBytes: empty.update.byteLength,
      upToDateJoinBytes: full.update.byteLength,
      ownerRejoinBytesOut: bytesOut,
    });
  }, 60_000);
});
