/**
 * Limits: the configuration that sets them (`loadConfig`, `checkLimits`), and the board size
 * limit end to end — refusal with BOARD_TOO_LARGE, reads still served, and a provider whose
 * offline changes do not fit reports the error once instead of resending in a loop.
 */
import { ACK_TIMEOUT_MS, DEFAULT_LIMITS, ErrorCode, type Limits } from '@drawbridge/protocol';
import { ConfigError, checkLimits, createServer, loadConfig } from '@drawbridge/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../apps/server/src/storage/MemoryStorage.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { createRandom } from './utils/random.js';
import { connectRaw, fetchBoard, joinRaw, type RawSocket, sendUpdate } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

const KiB = 1024;

describe('configuration', () => {
  it('refuses MAX_MESSAGE_BYTES < MAX_BOARD_BYTES', () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxMessageBytes: 1000, maxBoardBytes: 2000 };
    expect(() => checkLimits(limits)).toThrow(ConfigError);
    expect(() => createServer({ storage: new MemoryStorage(), limits })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_MESSAGE_BYTES: '1000', MAX_BOARD_BYTES: '2000' })).toThrow(
      ConfigError,
    );
    expect(() =>
      loadConfig({ MAX_BOARD_BYTES: String(DEFAULT_LIMITS.maxMessageBytes + 1) }),
    ).toThrow(/MAX_MESSAGE_BYTES/);
    // Equal is fine: a whole board still fits in one message.
    const equal = loadConfig({ MAX_MESSAGE_BYTES: '1000', MAX_BOARD_BYTES: '1000' });
    expect(equal.limits.maxMessageBytes).toBe(1000);
    expect(equal.limits.maxBoardBytes).toBe(1000);
  });

  it("refuses a STORAGE_WAIT_MS that is not shorter than the clients' ack timeout", () => {
    // A client that hears nothing for ACK_TIMEOUT_MS rejoins: the server must answer before.
    expect(DEFAULT_LIMITS.storageWaitMs).toBeLessThan(ACK_TIMEOUT_MS);
    for (const wait of [ACK_TIMEOUT_MS, ACK_TIMEOUT_MS + 1]) {
      const limits: Limits = { ...DEFAULT_LIMITS, storageWaitMs: wait };
      expect(() => checkLimits(limits)).toThrow(/STORAGE_WAIT_MS/);
      expect(() => loadConfig({ STORAGE_WAIT_MS: String(wait) })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ STORAGE_WAIT_MS: '99' })).toThrow(ConfigError);
    expect(loadConfig({ STORAGE_WAIT_MS: '1000' }).limits.storageWaitMs).toBe(1000);
  });

  it('refuses limits and integers that are not positive safe integers', () => {
    for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
        const limits: Limits = { ...DEFAULT_LIMITS, [key]: value };
        expect(() => checkLimits(limits), `${key} = ${value}`).toThrow(ConfigError);
      }
    }
    const names = [
      'MAX_MESSAGE_BYTES',
      'MAX_BOARD_BYTES',
      'MAX_AWARENESS_BYTES',
      'MAX_BOARDS_PER_SOCKET',
      'MAX_MESSAGES_PER_SECOND',
      'STORAGE_WAIT_MS',
    ];
    const bad = [
      'abc',
      '1.5',
      '-1',
      '0',
      'NaN',
      'Infinity',
      '1e400',
      '9007199254740993',
      'true',
      '12abc',
    ];
    for (const name of names) {
      for (const raw of bad) {
        expect(() => loadConfig({ [name]: raw }), `${name}=${raw}`).toThrow(ConfigError);
      }
    }
    for (const [name, raw] of [
      ['PORT', '-1'],
      ['PORT', 'abc'],
      ['PORT', '80.5'],
      ['IDLE_UNLOAD_MS', '-5'],
      ['IDLE_UNLOAD_MS', 'soon'],
      ['COMPACT_EVERY', '0'],
      ['COMPACT_QUIET_MS', '-1'],
      ['COMPACT_QUIET_MS', 'later'],
      ['SQLITE_SYNCHRONOUS', 'OFF'],
    ] as const) {
      expect(() => loadConfig({ [name]: raw }), `${name}=${raw}`).toThrow(ConfigError);
    }
  });

  it('defaults match DEFAULT_LIMITS; HOST is loopback unless in production', () => {
    const config = loadConfig({}, '/srv/drawbridge');
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('/srv/drawbridge/data');
    expect(config.allowedOrigins).toEqual([]);
    expect(config.sqliteSynchronous).toBe('FULL');
    expect(config.compactQuietMs).toBeUndefined(); // the server's default
    expect(loadConfig({ COMPACT_QUIET_MS: '0' }).compactQuietMs).toBe(0);
    // The revocation sweep follows GAP_CHECK_MS unless it has its own setting.
    expect(config.revocationSweepMs).toBe(config.gapCheckMs);
    expect(loadConfig({ GAP_CHECK_MS: '700' }).revocationSweepMs).toBe(700);
    const own = loadConfig({ GAP_CHECK_MS: '700', REVOCATION_SWEEP_MS: '60000' });
    expect([own.gapCheckMs, own.revocationSweepMs]).toEqual([700, 60_000]);
    expect(() => loadConfig({ REVOCATION_SWEEP_MS: '50' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'development' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    // Empty values mean "unset".
    expect(loadConfig({ HOST: '', MAX_BOARD_BYTES: '' }).limits.maxBoardBytes).toBe(
      DEFAULT_LIMITS.maxBoardBytes,
    );
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'http://a.example/, https://b.example ,,' }).allowedOrigins,
    ).toEqual(['http://a.example', 'https://b.example']);
    expect(
      loadConfig({ MAX_MESSAGE_BYTES: '2048', MAX_BOARD_BYTES: '1024', MAX_BOARDS_PER_SOCKET: '3' })
        .limits,
    ).toEqual({
      ...DEFAULT_LIMITS,
      maxMessageBytes: 2048,
      maxBoardBytes: 1024,
      maxBoardsPerSocket: 3,
    });
  });
});

describe('BOARD_TOO_LARGE', () => {
  const LIMITS = { maxBoardBytes: 32 * KiB, maxMessageBytes: 32 * KiB };
  let ts: TestServer | undefined;
  const sockets: RawSocket[] = [];
  const peers: Peer[] = [];
  const docs: Y.Doc[] = [];

  afterEach(async () => {
    destroyAll(peers.splice(0));
    for (const socket of sockets.splice(0)) socket.disconnect();
    for (const doc of docs.splice(0)) doc.destroy();
    await ts?.destroy();
    ts = undefined;
  });

  const newDoc = (clientID: number): Y.Doc => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    docs.push(doc);
    return doc;
  };

  /** 2000 seeded letters: incompressible enough that every chunk adds ~2 KB to the board. */
  const chunk = (random: ReturnType<typeof createRandom>): string =>
    Array.from({ length: 2000 }, () => String.fromCharCode(97 + random.int(26))).join('');

  const errorCount = async (url: string, code: ErrorCode): Promise<number> => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const match = metrics.match(
      new RegExp(`^drawbridge_errors_total\\{code="${code}"\\} (\\d+)$`, 'm'),
    );
    return match ? Number(match[1]) : 0;
  };

  /**
   * Sends `doc`'s edits, one chunk at a time, until the board is `targetBytes` big or (when
   * `untilRefused`) the server refuses. Returns the refusal, if any; `mirror` gets what was accepted.
   */
  async function fill(
    socket: RawSocket,
    boardId: string,
    doc: Y.Doc,
    mirror: Y.Doc,
    random: ReturnType<typeof createRandom>,
    targetBytes: number,
  ) {
    for (let i = 0; i < 40; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getText('text').insert(doc.getText('text').length, chunk(random));
      const update = Y.encodeStateAsUpdate(doc, before);
      const ack = await sendUpdate(socket, boardId, update);
      if (!ack.ok) return ack.error;
      Y.applyUpdate(mirror, update);
      if (Y.encodeStateAsUpdate(mirror).byteLength >= targetBytes) return null;
    }
    throw new Error('the board never filled up');
  }

  it('refuses the update that would grow the board past the limit; the board still serves reads', async () => {
    const server = await startServer({ limits: LIMITS });
    ts = server;
    const filler = await connectRaw(server.url);
    sockets.push(filler);
    expect((await joinRaw(filler, 'full')).ok).toBe(true);
    const doc = newDoc(11);
    const mirror = newDoc(12);
    const refusal = await fill(
      filler,
      'full',
      doc,
      mirror,
      createRandom(7),
      Number.POSITIVE_INFINITY,
    );
    expect(refusal?.code).toBe(ErrorCode.BOARD_TOO_LARGE);
    expect(filler.connected).toBe(true);
    const size = Y.encodeStateAsUpdate(mirror).byteLength;
    expect(size).toBeGreaterThan(LIMITS.maxBoardBytes - 4 * KiB);
    expect(size).toBeLessThanOrEqual(LIMITS.maxBoardBytes);
    // The refused update left nothing behind; the board is served in full to a new joiner.
    const room = server.server.rooms.get('full')!;
    expect(Y.encodeStateVector(room.doc)).toEqual(Y.encodeStateVector(mirror));
    const fresh = await fetchBoard(server.url, 'full');
    docs.push(fresh);
    expect(fresh.getText('text').toString()).toBe(mirror.getText('text').toString());
    // A provider joins the full board, reads it, and converges with what was accepted.
    const reader = connectPeer(server.url, 'full');
    peers.push(reader);
    await whenLive(reader);
    await expectConverged([reader.doc, fresh, mirror]);
    expect(reader.provider.state.error).toBeNull();
    expect(await errorCount(server.url, ErrorCode.BOARD_TOO_LARGE)).toBe(1);
  });

  it('a provider whose offline changes do not fit reports BOARD_TOO_LARGE once and does not loop', async () => {
    const server = await startServer({ limits: LIMITS });
    ts = server;
    const random = createRandom(8);
    // The board holds ~20 KB; the observer is a member that watches it.
    const filler = await connectRaw(server.url);
    sockets.push(filler);
    expect((await joinRaw(filler, 'tight')).ok).toBe(true);
    const mirror = newDoc(21);
    expect(await fill(filler, 'tight', newDoc(22), mirror, random, 20 * KiB)).toBeNull();
    const observer = connectPeer(server.url, 'tight');
    peers.push(observer);
    await whenLive(observer);

    const offline = newDoc(23);
    const peer = connectPeer(server.url, 'tight', { doc: offline });
    peers.push(peer);
    // Every event the provider's socket sends, in order.
    const sent: string[] = [];
    peer.provider.socket.onAnyOutgoing((event: string) => sent.push(event));
    // ~16 KB written before the socket connects (offline): fits in one message, not in the board.
    expect(peer.provider.state.status).toBe('connecting');
    offline.getMap('shapes').set('big', { note: chunk(random) });
    for (let i = 0; i < 7; i++) offline.getText('text').insert(0, chunk(random));
    const diffBytes = Y.encodeStateAsUpdate(offline).byteLength;
    expect(diffBytes).toBeLessThan(LIMITS.maxMessageBytes);
    expect(diffBytes + 20 * KiB).toBeGreaterThan(LIMITS.maxBoardBytes);
    expect(peer.provider.state.unsaved).toBe(8);
    const refused = await peer.provider.when((s) => s.error !== null);
    expect(refused.error?.code).toBe(ErrorCode.BOARD_TOO_LARGE);
    // Joined and reading, the offline changes unsaved, no rejoin scheduled.
    expect(refused.status).toBe('live');
    expect(refused.synced).toBe(true);
    expect(refused.unsaved).toBeGreaterThan(0);
    expect(offline.getText('text').toString()).toContain(mirror.getText('text').toString());

    // Proof without a clock: a rejoin would have marked the provider not joined, and a provider
    // that is not joined does not send awareness. So if the observer sees this awareness state,
    // the provider scheduled no rejoin; and the server, which handles one socket's packets in
    // order, has handled everything the provider sent before it.
    peer.provider.awareness.setLocalState({ probe: 1 });
    await vi.waitFor(
      () =>
        expect(observer.provider.awareness.getStates().get(offline.clientID)).toEqual({ probe: 1 }),
      { timeout: 5000, interval: 5 },
    );
    // The join rode in the CONNECT (PROTOCOL.md §2.3): no board:join, no second attempt.
    expect(sent).toEqual(['doc:update', 'awareness:update', 'awareness:update']);
    expect(await errorCount(server.url, ErrorCode.BOARD_TOO_LARGE)).toBe(1);
    expect(peer.provider.state.status).toBe('live');
    expect(peer.provider.state.error?.code).toBe(ErrorCode.BOARD_TOO_LARGE);

    // The board is what it was: the observer and a fresh joiner converge with the accepted content.
    expect(observer.provider.state.error).toBeNull();
    const fresh = await fetchBoard(server.url, 'tight');
    docs.push(fresh);
    await expectConverged([observer.doc, fresh, mirror]);
    expect(observer.doc.getMap('shapes').has('big')).toBe(false);
    // And the board still takes small edits from others.
    observer.doc.getMap('shapes').set('small', { ok: true });
    await whenSaved(observer);
    const after = await fetchBoard(server.url, 'tight');
    docs.push(after);
    expect(after.getMap('shapes').get('small')).toEqual({ ok: true });
  });
});
