/**
 * A bad-input corpus for every client event, sent by a raw socket to a real server while two
 * honest peers keep editing another board on the same server. For every hostile request: the
 * refusal carries the expected code, the attacker's socket stays connected and answers a valid
 * request, the board is unchanged (the server's own Y.Doc, and what a fresh joiner receives),
 * and the honest board keeps converging.
 */
import {
  type AckResult,
  type BoardError,
  DEFAULT_LIMITS,
  ErrorCode,
  PROTOCOL_VERSION,
} from '@drawbridge/protocol';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  snapshotOf,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { createRandom } from './utils/random.js';
import {
  connectRaw,
  emitRaw,
  emitRawNoAck,
  fetchBoard,
  joinRaw,
  nextBoardError,
  type RawSocket,
  sendAwareness,
  sendUpdate,
  whenDisconnected,
} from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

const KiB = 1024;
/** Small message and board limits, so oversize inputs stay cheap; no rate limit in the corpus. */
const LIMITS = {
  maxMessageBytes: 64 * KiB,
  maxBoardBytes: 64 * KiB,
  maxMessagesPerSecond: 1_000_000,
};
const REF = 'reference-board';
const FLIPS = 'bit-flip-board';
/** A valid board id no request of the corpus may load. */
const UNLOADED = 'never-loaded';
const HONEST_DEADLINE_MS = 5000;

type Codes = ErrorCode | readonly ErrorCode[];

// ---------------------------------------------------------------------------------------------
// Documents

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const sv = (doc: Y.Doc): string => b64(Y.encodeStateVector(doc));
const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** The root types' content, read from a copy so the inspected doc is never touched. */
function contentOf(doc: Y.Doc): string {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const text = toJson(snapshotOf(copy));
  copy.destroy();
  return text;
}

/** Same state vector, same delete set, same content. */
function expectSameDoc(actual: Y.Doc, expected: Y.Doc, label: string): void {
  expect(sv(actual), `${label}: state vector`).toBe(sv(expected));
  expect(Y.equalSnapshots(Y.snapshot(actual), Y.snapshot(expected)), `${label}: delete set`).toBe(
    true,
  );
  expect(contentOf(actual), `${label}: content`).toBe(contentOf(expected));
}

/** A new doc with `base`'s content that writes as `clientID`. */
function fork(base: Y.Doc, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  return doc;
}

/** Runs `edit` on `doc` and returns the one update it produced. */
function capture(doc: Y.Doc, edit: () => void): Uint8Array {
  let update: Uint8Array | null = null;
  const listener = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', listener);
  doc.transact(edit);
  doc.off('update', listener);
  if (!update) throw new Error('the edit produced no update');
  return update;
}

/** The board's seed: two clients, every root type, overwrites and deletions. */
function seedDoc(): Y.Doc {
  const a = new Y.Doc();
  a.clientID = 1001;
  const b = new Y.Doc();
  b.clientID = 1002;
  a.getText('text').insert(0, 'The quick brown fox');
  a.getMap('shapes').set('s1', { kind: 'rect', x: 1, y: 2 });
  a.getArray('order').push(['s1']);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  b.getText('text').insert(4, 'very ');
  b.getText('text').delete(0, 4);
  b.getMap('shapes').set('s2', { kind: 'ellipse', x: 3, y: 4 });
  b.getArray('order').push(['s2']);
  a.getMap('shapes').set('s1', { kind: 'rect', x: 10, y: 2 });
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  b.destroy();
  return a;
}

/**
 * A real incremental update on top of `base`: two new clients, several structs each, every
 * root type, and a delete set that removes both new and existing content.
 */
function extensionOf(base: Y.Doc, firstClient: number): Uint8Array {
  const c = fork(base, firstClient);
  c.getText('text').insert(0, 'Jumps over ');
  c.getMap('shapes').set('e1', { kind: 'line', points: [1, 2, 3, 4] });
  c.getArray('order').push(['e1']);
  const d = fork(c, firstClient + 1);
  d.getText('text').insert(d.getText('text').length, ' the lazy dog');
  d.getText('text').delete(2, 6);
  d.getMap('shapes').set('e2', { kind: 'text', value: 'héllo ✏️' });
  d.getMap('shapes').delete('s2');
  const update = Y.encodeStateAsUpdate(d, Y.encodeStateVector(base));
  c.destroy();
  d.destroy();
  return update;
}

/** A new client's edit of `base` as one incremental update (structs and a delete set). */
function incrementalEdit(base: Y.Doc, clientID: number, random: ReturnType<typeof createRandom>) {
  const doc = fork(base, clientID);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    doc.getMap('shapes').set(`k${clientID}`, { x: random.int(1000), label: 'box' });
    const text = doc.getText('text');
    text.insert(random.int(text.length + 1), 'flip');
    if (text.length > 8) text.delete(random.int(text.length - 4), 2);
    doc.getArray('order').push([`o${clientID}`]);
  });
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

/** A y-protocols awareness update written by hand, so states may be anything. */
function awarenessBytes(entries: { clientID: number; clock: number; state: string }[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientID, clock, state } of entries) {
    encoding.writeVarUint(e, clientID);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, state);
  }
  return encoding.toUint8Array(e);
}

const bytesOf = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

function randomBytes(random: ReturnType<typeof createRandom>, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(256);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Honest traffic

let honestBoards = 0;

/**
 * Paces the honest peers by the attack: each step of the attack (`attackStep()`) lets one more
 * honest round start, so both run interleaved without the honest side saturating the machine.
 */
const stepWaiters: (() => void)[] = [];
const attackStep = (): void => {
  for (const wake of stepWaiters.splice(0)) wake();
};
const nextAttackStep = (): Promise<void> => new Promise((resolve) => stepWaiters.push(resolve));

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

interface HonestBoard {
  boardId: string;
  peers: [Peer, Peer];
}

/**
 * Runs `attack` while two honest peers edit another board of the same server, round after
 * round (one round per attack step when `paced`, else back to back up to `maxRounds`); every
 * round must be stored and seen by the other peer within the deadline. Ends with a convergence
 * check of the honest peers.
 */
async function withHonestTraffic<T>(
  url: string,
  attack: (honest: HonestBoard) => Promise<T>,
  options: { minRounds?: number; maxRounds?: number; paced?: boolean } = {},
): Promise<T> {
  const boardId = `honest-${++honestBoards}`;
  const peers: [Peer, Peer] = [connectPeer(url, boardId), connectPeer(url, boardId)];
  const [a, b] = peers;
  const minRounds = options.minRounds ?? 3;
  const maxRounds = options.maxRounds ?? Number.POSITIVE_INFINITY;
  const paced = options.paced ?? true;
  try {
    await withDeadline(Promise.all(peers.map(whenLive)), HONEST_DEADLINE_MS, 'honest join');
    let done = false;
    let rounds = 0;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const traffic = (async () => {
      while (rounds < minRounds || (!done && rounds < maxRounds)) {
        if (paced && !done && rounds > 0) await Promise.race([nextAttackStep(), finished]);
        const round = rounds;
        a.doc.getMap('shapes').set(`r${round}`, { round });
        b.doc.getText('text').insert(0, `<${round}>`);
        await withDeadline(
          Promise.all([whenSaved(a), whenSaved(b)]),
          HONEST_DEADLINE_MS,
          `honest round ${round} ack`,
        );
        await vi.waitFor(
          () => {
            expect(b.doc.getMap('shapes').get(`r${round}`)).toEqual({ round });
            expect(a.doc.getText('text').toString()).toContain(`<${round}>`);
          },
          { timeout: HONEST_DEADLINE_MS, interval: 5 },
        );
        rounds++;
      }
    })().then(
      () => null,
      (error: unknown) => error,
    );
    const outcome = await attack({ boardId, peers }).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    done = true;
    finish();
    const trafficError = await traffic;
    if (!outcome.ok) throw outcome.error;
    if (trafficError) throw trafficError;
    expect(rounds).toBeGreaterThanOrEqual(minRounds);
    await expectConverged([a.doc, b.doc]);
    for (const peer of peers) {
      expect(peer.provider.state.status).toBe('live');
      expect(peer.provider.state.error).toBeNull();
    }
    return outcome.value;
  } finally {
    destroyAll(peers);
  }
}

// ---------------------------------------------------------------------------------------------
// The corpus

describe('bad input', () => {
  let ts: TestServer;
  let attacker: RawSocket;
  /** Mirror of REF: exactly the updates the server accepted, in order. */
  const reference = new Y.Doc();
  /** Every refusal the corpus saw, by code; /metrics must agree. */
  const observed = new Map<string, number>();
  const sockets: RawSocket[] = [];
  const peers: Peer[] = [];

  const record = (code: string) => observed.set(code, (observed.get(code) ?? 0) + 1);

  function expectRefused(result: AckResult<object>, codes: Codes, label: string): void {
    const allowed: readonly ErrorCode[] = typeof codes === 'string' ? [codes] : codes;
    expect(result.ok, `${label}: refused`).toBe(false);
    if (result.ok) return;
    record(result.error.code);
    expect(allowed, `${label}: got ${result.error.code} (${result.error.message})`).toContain(
      result.error.code,
    );
    expect(typeof result.error.message).toBe('string');
  }

  function expectBoardError(error: BoardError, codes: Codes, label: string): void {
    const allowed: readonly ErrorCode[] = typeof codes === 'string' ? [codes] : codes;
    record(error.code);
    expect(allowed, `${label}: got ${error.code} (${error.message})`).toContain(error.code);
    expect(typeof error.message).toBe('string');
  }

  const serverDoc = (boardId: string): Y.Doc => {
    const room = ts.server.rooms.get(boardId);
    if (!room) throw new Error(`board ${boardId} is not loaded`);
    return room.doc;
  };

  const serverSocket = (socket: RawSocket) => {
    const found = ts.server.io.sockets.sockets.get(socket.id ?? '');
    if (!found) throw new Error('no server-side socket');
    return found;
  };

  /** The attacker still answers a valid request, and REF equals the reference. */
  async function expectAliveAndUnchanged(label: string): Promise<void> {
    attackStep();
    expect(attacker.connected, `${label}: attacker still connected`).toBe(true);
    const ack = await joinRaw(attacker, REF, reference);
    expect(ack.ok, `${label}: a valid request still answers`).toBe(true);
    if (ack.ok) expect(b64(ack.stateVector), `${label}: join state vector`).toBe(sv(reference));
    expectSameDoc(serverDoc(REF), reference, label);
  }

  /** A fresh joiner of REF receives exactly the reference. */
  async function expectFreshJoinerMatches(): Promise<void> {
    const fresh = await fetchBoard(ts.url, REF);
    expectSameDoc(fresh, reference, 'fresh joiner');
    await expectConverged([fresh, reference]);
    fresh.destroy();
  }

  async function accept(boardId: string, update: Uint8Array, mirror: Y.Doc, label: string) {
    const ack = await sendUpdate(attacker, boardId, update);
    expect(ack, label).toEqual({ ok: true });
    Y.applyUpdate(mirror, update);
  }

  interface Case {
    name: string;
    payload: unknown;
    codes: Codes;
  }

  async function runCases(event: string, cases: Case[]): Promise<void> {
    for (const c of cases) {
      const label = `${event} ${c.name}`;
      const result = await emitRaw(attacker, event, c.payload);
      expectRefused(result, c.codes, label);
      await expectAliveAndUnchanged(label);
    }
  }

  // Inputs shared by the events.
  const NON_OBJECTS: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['zero', 0],
    ['number', 42],
    ['NaN', Number.NaN],
    ['string', REF],
    ['empty string', ''],
    ['boolean', true],
    ['empty array', []],
    ['array holding a payload', [{ boardId: REF }]],
    ['binary', new Uint8Array([1, 2, 3])],
  ];
  const BAD_BOARD_IDS: [string, string][] = [
    ['empty', ''],
    ['65 chars', 'a'.repeat(65)],
    ['path traversal', '../etc'],
    ['space', 'my board'],
    ['leading space', ` ${REF}`],
    ['unicode letter', 'tablé'],
    ['CJK', '白板'],
    ['emoji', 'board🧱'],
    ['newline', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['slash', 'a/b'],
    ['dot', 'a.b'],
    ['100k chars', 'x'.repeat(100_000)],
  ];
  const WRONG_ID_TYPES: [string, unknown][] = [
    ['number', 42],
    ['null', null],
    ['object', { id: REF }],
    ['array', [REF]],
    ['boolean', true],
    ['binary', new TextEncoder().encode(REF)],
  ];

  /** Cases about the payload's shape and its boardId, built on a payload that is otherwise valid. */
  function shapeAndIdCases(valid: Record<string, unknown>): Case[] {
    const { boardId: _omit, ...withoutId } = valid;
    return [
      ...NON_OBJECTS.map(([name, payload]) => ({
        name: `payload ${name}`,
        payload,
        codes: ErrorCode.BAD_REQUEST,
      })),
      ...BAD_BOARD_IDS.map(([name, boardId]) => ({
        name: `boardId ${name}`,
        payload: { ...valid, boardId },
        codes: ErrorCode.INVALID_BOARD_ID,
      })),
      ...WRONG_ID_TYPES.map(([name, boardId]) => ({
        name: `boardId of type ${name}`,
        payload: { ...valid, boardId },
        codes: ErrorCode.BAD_REQUEST,
      })),
      { name: 'boardId missing', payload: withoutId, codes: ErrorCode.BAD_REQUEST },
    ];
  }

  /** Cases about a binary `update` field. */
  const WRONG_BINARY_TYPES: [string, unknown][] = [
    ['null', null],
    ['base64 string', 'AAA='],
    ['number array', [0, 0]],
    ['object with indices', { 0: 0, 1: 0 }],
    ['number', 42],
    ['boolean', true],
    ['empty object', {}],
  ];

  beforeAll(async () => {
    ts = await startServer({ limits: LIMITS });
    attacker = await connectRaw(ts.url);
    sockets.push(attacker);
    expect((await joinRaw(attacker, REF)).ok).toBe(true);
    const seed = seedDoc();
    await accept(REF, Y.encodeStateAsUpdate(seed), reference, 'seed');
    seed.destroy();
  });

  afterEach(() => {
    destroyAll(peers.splice(0));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await ts?.destroy();
  });

  it('board:join: every malformed request is refused with its code, nothing is joined or loaded', async () => {
    const valid = {
      boardId: UNLOADED,
      protocol: PROTOCOL_VERSION,
      stateVector: new Uint8Array([0]),
    };
    const random = createRandom(101);
    const bigVector = bytesOf((e) => {
      // A well-formed state vector of ~100 KiB: too large, not malformed.
      encoding.writeVarUint(e, 20_000);
      for (let i = 0; i < 20_000; i++) {
        encoding.writeVarUint(e, 100_000 + i);
        encoding.writeVarUint(e, 1_000);
      }
    });
    expect(bigVector.byteLength).toBeGreaterThan(DEFAULT_LIMITS.maxStateVectorBytes);
    const { protocol: _p, ...withoutProtocol } = valid;
    const { stateVector: _s, ...withoutVector } = valid;
    const cases: Case[] = [
      ...shapeAndIdCases(valid),
      { name: 'protocol missing', payload: withoutProtocol, codes: ErrorCode.UNSUPPORTED_PROTOCOL },
      ...([0, 2, -1, 1.5, '1', null, [1], { v: 1 }, true, 2 ** 53, Number.NaN] as unknown[]).map(
        (protocol) => ({
          name: `protocol ${toJson(protocol)}`,
          payload: { ...valid, protocol },
          codes: ErrorCode.UNSUPPORTED_PROTOCOL,
        }),
      ),
      { name: 'stateVector missing', payload: withoutVector, codes: ErrorCode.BAD_REQUEST },
      ...WRONG_BINARY_TYPES.map(([name, stateVector]) => ({
        name: `stateVector of type ${name}`,
        payload: { ...valid, stateVector },
        codes: ErrorCode.BAD_REQUEST,
      })),
      {
        name: 'stateVector empty',
        payload: { ...valid, stateVector: new Uint8Array(0) },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'stateVector of 100 KiB',
        payload: { ...valid, stateVector: bigVector },
        codes: ErrorCode.PAYLOAD_TOO_LARGE,
      },
      ...(
        [
          ['claiming 268M entries', [0xff, 0xff, 0xff, 0x7f, 1, 1]],
          ['truncated varint', [1, 0x80]],
          ['trailing bytes', [0, 0]],
          ['duplicate client', [2, 5, 1, 5, 2]],
          [
            'clock beyond 2^40',
            [
              ...bytesOf((e) => {
                encoding.writeVarUint(e, 1);
                encoding.writeVarUint(e, 7);
                encoding.writeVarUint(e, 2 ** 41);
              }),
            ],
          ],
          ['an update instead', [...Y.encodeStateAsUpdate(reference)]],
        ] as [string, number[]][]
      ).map(([name, bytes]) => ({
        name: `stateVector ${name}`,
        payload: { ...valid, stateVector: new Uint8Array(bytes) },
        codes: ErrorCode.INVALID_UPDATE,
      })),
      ...([42, {}, [], true] as unknown[]).map((token) => ({
        name: `token ${toJson(token)}`,
        payload: { ...valid, token },
        codes: ErrorCode.BAD_REQUEST,
      })),
      {
        name: 'token too long',
        payload: { ...valid, token: 't'.repeat(DEFAULT_LIMITS.maxTokenLength + 1) },
        codes: ErrorCode.PAYLOAD_TOO_LARGE,
      },
    ];
    await withHonestTraffic(ts.url, async () => {
      await runCases('board:join', cases);
      expect(ts.server.rooms.get(UNLOADED)).toBeUndefined();
      // Random state vectors (seeded): refused as malformed, or (rarely) well-formed and joined.
      let refused = 0;
      for (let i = 0; i < 60; i++) {
        const stateVector = randomBytes(random, 1 + random.int(40));
        const payload = { ...valid, boardId: 'random-vectors', stateVector };
        const result = await emitRaw(attacker, 'board:join', payload);
        if (result.ok) {
          await emitRaw(attacker, 'board:leave', { boardId: 'random-vectors' });
        } else {
          refused++;
          expectRefused(result, ErrorCode.INVALID_UPDATE, `random state vector ${i}`);
        }
        await expectAliveAndUnchanged(`random state vector ${i}`);
      }
      expect(refused).toBeGreaterThan(40);
    });
    expect(serverSocket(attacker).data.boards.ids()).toEqual([REF]);
    await expectFreshJoinerMatches();
  });

  it('doc:update: malformed, oversize and random updates are refused, the board unchanged', async () => {
    const random = createRandom(202);
    const fresh = extensionOf(reference, 3001);
    const valid = { boardId: REF, update: fresh };
    const big = fork(reference, 3101);
    big.getText('text').insert(0, 'z'.repeat(100 * KiB));
    const bigUpdate = Y.encodeStateAsUpdate(big, Y.encodeStateVector(reference));
    big.destroy();
    expect(bigUpdate.byteLength).toBeGreaterThan(LIMITS.maxMessageBytes);
    const v2 = Y.encodeStateAsUpdateV2(fork(reference, 3201), new Uint8Array([0]));
    const jsonItem = (text: string) =>
      bytesOf((e) => {
        // One ContentJSON item at the root array "order" whose JSON does not parse.
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 3301);
        encoding.writeVarUint(e, 0);
        encoding.writeUint8(e, 2);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'order');
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, text);
        encoding.writeVarUint(e, 0);
      });
    const { update: _u, ...withoutUpdate } = valid;
    const cases: Case[] = [
      ...shapeAndIdCases(valid),
      { name: 'update missing', payload: withoutUpdate, codes: ErrorCode.BAD_REQUEST },
      ...WRONG_BINARY_TYPES.map(([name, update]) => ({
        name: `update of type ${name}`,
        payload: { ...valid, update },
        codes: ErrorCode.BAD_REQUEST,
      })),
      {
        name: 'update empty',
        payload: { ...valid, update: new Uint8Array(0) },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'update [0]',
        payload: { ...valid, update: new Uint8Array([0]) },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'update with a trailing byte',
        payload: { ...valid, update: new Uint8Array([...fresh, 0]) },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'update in the v2 encoding',
        payload: { ...valid, update: v2 },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'update of 100 KiB',
        payload: { ...valid, update: bigUpdate },
        codes: ErrorCode.PAYLOAD_TOO_LARGE,
      },
      {
        name: 'JSON content that does not parse',
        payload: { ...valid, update: jsonItem('{bad') },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'clock beyond 2^40',
        payload: {
          ...valid,
          update: bytesOf((e) => {
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, 3401);
            encoding.writeVarUint(e, 2 ** 41);
            encoding.writeUint8(e, 0);
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, 0);
          }),
        },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'unknown content ref',
        payload: { ...valid, update: new Uint8Array([1, 1, 77, 0, 0x1f, 1, 1, 0x61, 0]) },
        codes: ErrorCode.INVALID_UPDATE,
      },
      {
        name: 'an item whose origin is its own future',
        payload: {
          ...valid,
          update: bytesOf((e) => {
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, 3501);
            encoding.writeVarUint(e, 0);
            encoding.writeUint8(e, 0x84); // ContentString with an origin
            encoding.writeVarUint(e, 3501);
            encoding.writeVarUint(e, 5);
            encoding.writeVarString(e, 'loop');
            encoding.writeVarUint(e, 0);
          }),
        },
        codes: ErrorCode.INVALID_UPDATE,
      },
    ];
    await withHonestTraffic(ts.url, async () => {
      await runCases('doc:update', cases);
      // Seeded random bytes: refused, or applied exactly as Yjs applies them.
      let refused = 0;
      for (let i = 0; i < 150; i++) {
        const update = randomBytes(random, 1 + random.int(200));
        const ack = await sendUpdate(attacker, REF, update);
        if (ack.ok) {
          Y.applyUpdate(reference, update);
        } else {
          refused++;
          expectRefused(
            ack,
            [ErrorCode.INVALID_UPDATE, ErrorCode.MISSING_DEPENDENCIES],
            `random update ${i}`,
          );
        }
        await expectAliveAndUnchanged(`random update ${i}`);
      }
      expect(refused).toBeGreaterThan(140);
    });
    await expectFreshJoinerMatches();
  });

  it('doc:update: every prefix of a real multi-struct update is refused as INVALID_UPDATE', async () => {
    const update = extensionOf(reference, 4001);
    const scanned = Y.decodeUpdate(update);
    expect(scanned.structs.length).toBeGreaterThan(4);
    expect(scanned.ds.clients.size).toBeGreaterThan(0);
    await withHonestTraffic(ts.url, async () => {
      for (let length = 0; length < update.length; length++) {
        const ack = await sendUpdate(attacker, REF, update.slice(0, length));
        expectRefused(ack, ErrorCode.INVALID_UPDATE, `prefix of ${length}/${update.length} bytes`);
        expectSameDoc(serverDoc(REF), reference, `prefix ${length}`);
        attackStep();
        if (length % 16 === 0) await expectAliveAndUnchanged(`prefix ${length}`);
      }
      await expectAliveAndUnchanged('after every prefix');
      // The whole update is fine: the prefixes were refused for being cut, nothing else.
      await accept(REF, update, reference, 'the whole update');
      await expectAliveAndUnchanged('after the whole update');
    });
    await expectFreshJoinerMatches();
  });

  it('doc:update: an update truncated inside its delete set is refused and nothing of it applies', async () => {
    const doc = fork(reference, 5001);
    const before = Y.encodeStateVector(reference);
    doc.getText('text').insert(0, 'ABCDEFGHIJ');
    doc.getText('text').delete(2, 3);
    doc.getText('text').delete(12, 2);
    doc.getMap('shapes').set('ds', { kind: 'star' });
    const update = Y.encodeStateAsUpdate(doc, before);
    // The delete set is the tail of the update: what an update with every struct known encodes.
    const deleteSet = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)).slice(1);
    expect(deleteSet.length).toBeGreaterThan(3);
    expect(b64(update.slice(update.length - deleteSet.length))).toBe(b64(deleteSet));
    // Why it matters: Yjs itself integrates the structs, then throws on the delete set.
    const naive = fork(reference, 5002);
    expect(() => Y.applyUpdate(naive, update.slice(0, update.length - 1))).toThrow();
    expect(sv(naive)).not.toBe(sv(reference));
    naive.destroy();
    await withHonestTraffic(ts.url, async () => {
      for (let cut = 1; cut <= deleteSet.length; cut++) {
        const ack = await sendUpdate(attacker, REF, update.slice(0, update.length - cut));
        expectRefused(ack, ErrorCode.INVALID_UPDATE, `cut ${cut} bytes off the delete set`);
        await expectAliveAndUnchanged(`delete set cut ${cut}`);
      }
      await accept(REF, update, reference, 'the whole update');
      await expectAliveAndUnchanged('after the whole update');
    });
    doc.destroy();
    await expectFreshJoinerMatches();
  });

  it('doc:update: hostile counts (33M structs) are refused fast', async () => {
    const header = bytesOf((e) => {
      encoding.writeVarUint(e, 1); // one client
      encoding.writeVarUint(e, 33_554_432); // claims 2^25 structs
      encoding.writeVarUint(e, 42); // client id
      encoding.writeVarUint(e, 0); // clock
    });
    expect(header.length).toBe(7);
    const hostile: [string, Uint8Array][] = [
      ['33M structs', new Uint8Array([...header, 0, 1])],
      ['33M structs, nothing more', header],
      [
        '33M clients',
        bytesOf((e) => {
          encoding.writeVarUint(e, 33_554_432);
          encoding.writeVarUint(e, 1);
        }),
      ],
      [
        '33M delete set clients',
        bytesOf((e) => {
          encoding.writeVarUint(e, 0);
          encoding.writeVarUint(e, 33_554_432);
          encoding.writeVarUint(e, 1);
        }),
      ],
      [
        '33M deletions',
        bytesOf((e) => {
          encoding.writeVarUint(e, 0);
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 1001);
          encoding.writeVarUint(e, 33_554_432);
          encoding.writeVarUint(e, 0);
        }),
      ],
      [
        'a deleted-content length of 2^40',
        bytesOf((e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 43);
          encoding.writeVarUint(e, 0);
          encoding.writeUint8(e, 1); // ContentDeleted
          encoding.writeVarUint(e, 1);
          encoding.writeVarString(e, 'text');
          encoding.writeVarUint(e, 2 ** 40 + 1);
          encoding.writeVarUint(e, 0);
        }),
      ],
      [
        'a varint beyond 2^53',
        new Uint8Array([1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0]),
      ],
    ];
    await withHonestTraffic(ts.url, async () => {
      for (const [name, update] of hostile) {
        const started = performance.now();
        const ack = await sendUpdate(attacker, REF, update);
        const elapsed = performance.now() - started;
        expectRefused(ack, ErrorCode.INVALID_UPDATE, name);
        expect(elapsed, `${name} answered in ${elapsed} ms`).toBeLessThan(1000);
        await expectAliveAndUnchanged(name);
      }
      // Many at once. Yjs alone spends ~250 ms and ~270 MB on each of these (it allocates the
      // claimed struct array before it reads): 50 would take over 10 s. The scan refuses them all
      // in a fraction of that.
      const started = performance.now();
      const acks = await Promise.all(
        Array.from({ length: 50 }, () => sendUpdate(attacker, REF, hostile[0]![1])),
      );
      const elapsed = performance.now() - started;
      for (const ack of acks) expectRefused(ack, ErrorCode.INVALID_UPDATE, '33M structs, in bulk');
      expect(elapsed, `50 hostile updates answered in ${elapsed} ms`).toBeLessThan(2000);
      await expectAliveAndUnchanged('after the bulk');
    });
    await expectFreshJoinerMatches();
  });

  it('doc:update: updates depending on content the board lacks are MISSING_DEPENDENCIES, board unchanged', async () => {
    const writer = fork(reference, 6001);
    const text = writer.getText('text');
    const u1 = capture(writer, () => text.insert(text.length, 'XYZ'));
    const u2 = capture(writer, () => text.insert(text.length, '!'));
    // Another client inserting after u1's content: depends on it through its origin.
    const other = fork(writer, 6002);
    const otherText = other.getText('text');
    const uOrigin = capture(other, () => otherText.insert(otherText.length - 2, '-'));
    // A deletion of u1's content: depends on it through the delete set.
    const deleter = fork(writer, 6003);
    const uDelete = capture(deleter, () => {
      const t = deleter.getText('text');
      t.delete(t.length - 4, 2);
    });
    // A nested type and another client's entry in it: depends on it through its parent.
    const u3 = capture(writer, () => writer.getMap('shapes').set('nested', new Y.Map()));
    const child = fork(writer, 6004);
    const uParent = capture(child, () =>
      (child.getMap('shapes').get('nested') as Y.Map<unknown>).set('k', 1),
    );
    const dependent: [string, Uint8Array][] = [
      ['the second update without the first (clock gap)', u2],
      ['an insertion after missing content (origin)', uOrigin],
      ['a deletion of missing content (delete set)', uDelete],
      ['an entry of a missing type (parent)', uParent],
      ['the third update without the first two', u3],
    ];
    await withHonestTraffic(ts.url, async () => {
      for (const [name, update] of dependent) {
        const ack = await sendUpdate(attacker, REF, update);
        expectRefused(ack, ErrorCode.MISSING_DEPENDENCIES, name);
        expect(serverDoc(REF).store.pendingStructs, `${name}: nothing parked`).toBeNull();
        expect(serverDoc(REF).store.pendingDs, `${name}: nothing parked`).toBeNull();
        await expectAliveAndUnchanged(name);
      }
      // In order, every one applies: the refusals were about order only.
      for (const [name, update] of [
        ['u1', u1],
        ['u2', u2],
        ['origin', uOrigin],
        ['delete', uDelete],
        ['u3', u3],
        ['parent', uParent],
      ] as const) {
        await accept(REF, update, reference, name);
        await expectAliveAndUnchanged(`after ${name}`);
      }
    });
    for (const doc of [writer, other, deleter, child]) doc.destroy();
    await expectFreshJoinerMatches();
  });

  it('doc:update: a Skip struct (merge of non-contiguous updates of one client) is INVALID_UPDATE', async () => {
    const writer = fork(reference, 7001);
    const shapes = writer.getMap('shapes');
    const e1 = capture(writer, () => shapes.set('skip-a', { n: 1 }));
    const e2 = capture(writer, () => shapes.set('skip-b', { n: 2 }));
    const e3 = capture(writer, () => shapes.set('skip-c', { n: 3 }));
    const merged = Y.mergeUpdates([e1, e3]);
    expect(Y.decodeUpdate(merged).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    await withHonestTraffic(ts.url, async () => {
      expectRefused(await sendUpdate(attacker, REF, merged), ErrorCode.INVALID_UPDATE, 'skip');
      await expectAliveAndUnchanged('skip');
      // With the first applied it is still refused: a Skip is never integrated.
      await accept(REF, e1, reference, 'e1');
      expectRefused(
        await sendUpdate(attacker, REF, merged),
        ErrorCode.INVALID_UPDATE,
        'skip again',
      );
      await expectAliveAndUnchanged('skip again');
      // A merge of contiguous updates is fine.
      await accept(REF, Y.mergeUpdates([e2, e3]), reference, 'contiguous merge');
      await expectAliveAndUnchanged('contiguous merge');
    });
    writer.destroy();
    await expectFreshJoinerMatches();
  });

  it('doc:update: bit-flipped real updates are applied exactly as Yjs would, or refused with the board unchanged', async () => {
    const random = createRandom(0xb17);
    const mirror = new Y.Doc();
    expect((await joinRaw(attacker, FLIPS)).ok).toBe(true);
    const seed = seedDoc();
    await accept(FLIPS, Y.encodeStateAsUpdate(seed), mirror, 'flip seed');
    seed.destroy();
    let accepted = 0;
    let refused = 0;
    await withHonestTraffic(ts.url, async () => {
      for (let i = 0; i < 300; i++) {
        const clientID = 100_000 + random.int(2 ** 30);
        const update = incrementalEdit(mirror, clientID, random);
        const bit = random.int(update.length * 8);
        update[bit >> 3] = update[bit >> 3]! ^ (1 << (bit & 7));
        const label = `flip ${i} (bit ${bit} of ${update.length * 8})`;
        const ack = await sendUpdate(attacker, FLIPS, update);
        if (ack.ok) {
          accepted++;
          Y.applyUpdate(mirror, update);
          // Accepted means integrated completely: Yjs parks nothing of it.
          expect(mirror.store.pendingStructs, `${label}: pending structs`).toBeNull();
          expect(mirror.store.pendingDs, `${label}: pending deletions`).toBeNull();
        } else {
          refused++;
          expectRefused(ack, [ErrorCode.INVALID_UPDATE, ErrorCode.MISSING_DEPENDENCIES], label);
        }
        expect(attacker.connected).toBe(true);
        expectSameDoc(serverDoc(FLIPS), mirror, label);
        attackStep();
      }
    });
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const fresh = await fetchBoard(ts.url, FLIPS);
    expectSameDoc(fresh, mirror, 'fresh joiner of the flipped board');
    expectSameDoc(fresh, serverDoc(FLIPS), 'fresh joiner and server');
    fresh.destroy();
    expect((await emitRaw(attacker, 'board:leave', { boardId: FLIPS })).ok).toBe(true);
    await expectAliveAndUnchanged('after the flips');
  });

  it('awareness:update: malformed updates, foreign and surplus client ids are refused', async () => {
    const victim = connectPeer(ts.url, REF);
    peers.push(victim);
    await whenLive(victim);
    const victimId = victim.doc.clientID;
    victim.provider.awareness.setLocalState({ user: 'victim' });
    const room = ts.server.rooms.get(REF)!;
    await vi.waitFor(
      () => expect(room.awareness.getStates().get(victimId)).toEqual({ user: 'victim' }),
      {
        timeout: 5000,
        interval: 5,
      },
    );
    const own = (id: number, clock: number, state: unknown) =>
      awarenessBytes([{ clientID: id, clock, state: JSON.stringify(state) }]);
    const valid = { boardId: REF, update: own(9001, 1, { user: 'attacker' }) };
    const { update: _u, ...withoutUpdate } = valid;
    const bigState = own(9001, 1, { blob: 'b'.repeat(100 * KiB) });
    expect(bigState.byteLength).toBeGreaterThan(DEFAULT_LIMITS.maxAwarenessBytes);
    const invalid = (name: string, update: Uint8Array): Case => ({
      name,
      payload: { boardId: REF, update },
      codes: ErrorCode.INVALID_UPDATE,
    });
    const cases: Case[] = [
      ...shapeAndIdCases(valid),
      { name: 'update missing', payload: withoutUpdate, codes: ErrorCode.BAD_REQUEST },
      ...WRONG_BINARY_TYPES.map(([name, update]) => ({
        name: `update of type ${name}`,
        payload: { ...valid, update },
        codes: ErrorCode.BAD_REQUEST,
      })),
      invalid('empty', new Uint8Array(0)),
      {
        name: 'of 100 KiB',
        payload: { ...valid, update: bigState },
        codes: ErrorCode.PAYLOAD_TOO_LARGE,
      },
      invalid(
        'claiming 33M entries',
        bytesOf((e) => {
          encoding.writeVarUint(e, 33_554_432);
          encoding.writeVarUint(e, 9001);
        }),
      ),
      invalid('truncated', valid.update.slice(0, valid.update.length - 3)),
      invalid('with a trailing byte', new Uint8Array([...valid.update, 0])),
      invalid('invalid JSON', awarenessBytes([{ clientID: 9001, clock: 1, state: '{"user":' }])),
      invalid('invalid UTF-8', new Uint8Array([1, 0xa9, 0x46, 1, 2, 0xff, 0xfe])),
      ...['42', '"text"', '[1,2]', 'true'].map((state) =>
        invalid(`state ${state}`, awarenessBytes([{ clientID: 9001, clock: 1, state }])),
      ),
      invalid(
        'a client id twice',
        awarenessBytes([
          { clientID: 9001, clock: 1, state: '{}' },
          { clientID: 9001, clock: 2, state: '{}' },
        ]),
      ),
      {
        name: "another socket's client id",
        payload: { boardId: REF, update: own(victimId, 999, { user: 'evil' }) },
        codes: ErrorCode.FORBIDDEN,
      },
      {
        name: "removing another socket's client",
        payload: {
          boardId: REF,
          update: awarenessBytes([{ clientID: victimId, clock: 999, state: 'null' }]),
        },
        codes: ErrorCode.FORBIDDEN,
      },
      {
        name: `${DEFAULT_LIMITS.maxAwarenessClientsPerSocket + 1} client ids at once`,
        payload: {
          boardId: REF,
          update: awarenessBytes(
            Array.from({ length: DEFAULT_LIMITS.maxAwarenessClientsPerSocket + 1 }, (_, i) => ({
              clientID: 9001 + i,
              clock: 1,
              state: '{}',
            })),
          ),
        },
        codes: ErrorCode.FORBIDDEN,
      },
    ];
    await withHonestTraffic(ts.url, async () => {
      await runCases('awareness:update', cases);
      // Seeded random bytes: malformed, or (a zero count) an update that changes nothing.
      const random = createRandom(303);
      for (let i = 0; i < 60; i++) {
        const bytes = randomBytes(random, 1 + random.int(60));
        const result = await sendAwareness(attacker, REF, bytes);
        if (result.ok) expect(bytes[0], `random awareness ${i} accepted`).toBe(0);
        else expectRefused(result, ErrorCode.INVALID_UPDATE, `random awareness ${i}`);
        await expectAliveAndUnchanged(`random awareness ${i}`);
      }
      // Nothing refused left a trace: no claimed id, no state, the victim's state intact.
      expect([...room.awareness.getStates().keys()]).toEqual([victimId]);
      // Up to the limit is fine (and proves the refused batch claimed nothing) ...
      const max = DEFAULT_LIMITS.maxAwarenessClientsPerSocket;
      const mine = Array.from({ length: max }, (_, i) => 9001 + i);
      const batch = awarenessBytes(
        mine.map((clientID) => ({ clientID, clock: 1, state: '{"a":1}' })),
      );
      expect(await sendAwareness(attacker, REF, batch)).toEqual({ ok: true });
      // ... one more is not ...
      expectRefused(
        await sendAwareness(attacker, REF, own(9001 + max, 1, {})),
        ErrorCode.FORBIDDEN,
        'one id past the limit',
      );
      // ... and updating an id it owns still is.
      expect(await sendAwareness(attacker, REF, own(9001, 2, { a: 2 }))).toEqual({ ok: true });
      await expectAliveAndUnchanged('after the awareness corpus');
      // The victim saw the attacker's valid states, relayed after every refused one: had a
      // refused update been relayed, the victim's own state would have been overwritten.
      await vi.waitFor(
        () => expect(victim.provider.awareness.getStates().get(9001)).toEqual({ a: 2 }),
        { timeout: 5000, interval: 5 },
      );
      expect(victim.provider.awareness.getLocalState()).toEqual({ user: 'victim' });
      expect(room.awareness.getStates().get(victimId)).toEqual({ user: 'victim' });
      expect(room.awareness.getStates().has(9001 + max)).toBe(false);
      const sorted = (states: Map<number, unknown>) =>
        toJson([...states.entries()].sort(([a], [b]) => a - b));
      await vi.waitFor(
        () =>
          expect(sorted(victim.provider.awareness.getStates())).toBe(
            sorted(room.awareness.getStates()),
          ),
        { timeout: 5000, interval: 5 },
      );
    });
    await expectConverged([victim.doc, reference]);
    await expectFreshJoinerMatches();
  });

  it('board:leave: malformed requests are refused and leave nothing', async () => {
    const cases: Case[] = shapeAndIdCases({ boardId: REF });
    await withHonestTraffic(ts.url, async () => {
      await runCases('board:leave', cases);
      expect(serverSocket(attacker).data.boards.has(REF)).toBe(true);
      expect(ts.server.rooms.get(REF)!.hasMember(attacker.id!)).toBe(true);
      // Leaving a board never joined is not an error.
      expect(await emitRaw(attacker, 'board:leave', { boardId: UNLOADED })).toEqual({ ok: true });
      await expectAliveAndUnchanged('leave of a board never joined');
    });
    await expectFreshJoinerMatches();
  });

  it('requests without an ack get their error as board:error with a code', async () => {
    const fresh = extensionOf(reference, 8001);
    const noAck: [string, string, unknown, ErrorCode][] = [
      ['board:join', 'null', null, ErrorCode.BAD_REQUEST],
      [
        'board:join',
        'bad id',
        { boardId: '../etc', protocol: 1, stateVector: new Uint8Array([0]) },
        ErrorCode.INVALID_BOARD_ID,
      ],
      [
        'board:join',
        'protocol 2',
        { boardId: REF, protocol: 2, stateVector: new Uint8Array([0]) },
        ErrorCode.UNSUPPORTED_PROTOCOL,
      ],
      ['doc:update', 'string', 'x', ErrorCode.BAD_REQUEST],
      [
        'doc:update',
        'truncated',
        { boardId: REF, update: fresh.slice(0, 9) },
        ErrorCode.INVALID_UPDATE,
      ],
      [
        'doc:update',
        'oversize',
        { boardId: REF, update: new Uint8Array(100 * KiB) },
        ErrorCode.PAYLOAD_TOO_LARGE,
      ],
      ['doc:update', 'not joined', { boardId: UNLOADED, update: fresh }, ErrorCode.NOT_JOINED],
      ['awareness:update', 'array', [], ErrorCode.BAD_REQUEST],
      [
        'awareness:update',
        'bad JSON',
        { boardId: REF, update: awarenessBytes([{ clientID: 9101, clock: 1, state: '{' }]) },
        ErrorCode.INVALID_UPDATE,
      ],
      [
        'awareness:update',
        'not joined',
        { boardId: UNLOADED, update: awarenessBytes([{ clientID: 9101, clock: 1, state: '{}' }]) },
        ErrorCode.NOT_JOINED,
      ],
      ['board:leave', 'number', 7, ErrorCode.BAD_REQUEST],
      ['board:leave', 'bad id', { boardId: 'a b' }, ErrorCode.INVALID_BOARD_ID],
    ];
    await withHonestTraffic(ts.url, async () => {
      for (const [event, name, payload, code] of noAck) {
        const label = `${event} ${name} without an ack`;
        const error = nextBoardError(attacker);
        emitRawNoAck(attacker, event, payload);
        const received = await error;
        expectBoardError(received, code, label);
        if (code === ErrorCode.NOT_JOINED || code === ErrorCode.UNSUPPORTED_PROTOCOL) {
          expect(received.boardId, label).toBe((payload as { boardId: string }).boardId);
        }
        await expectAliveAndUnchanged(label);
      }
      // An event with an ack callback but no payload at all: Socket.IO passes the callback as
      // the first argument. The error must still reach the client, by ack or by board:error.
      for (const event of ['board:join', 'doc:update', 'awareness:update', 'board:leave']) {
        const label = `${event} with no payload`;
        const received = await new Promise<{ via: string; code: string }>((resolve) => {
          const onError = (error: BoardError) => resolve({ via: 'board:error', code: error.code });
          attacker.once('board:error', onError);
          emitRawNoAck(attacker, event, (result: AckResult) => {
            attacker.off('board:error', onError);
            resolve({ via: 'ack', code: result.ok ? 'ok' : result.error.code });
          });
        });
        record(received.code);
        expect(received.code, label).toBe(ErrorCode.BAD_REQUEST);
        await expectAliveAndUnchanged(label);
      }
    });
    expect(ts.server.rooms.get(UNLOADED)).toBeUndefined();
    await expectFreshJoinerMatches();
  });

  it('doc:update and awareness:update for a board not joined are NOT_JOINED', async () => {
    const update = extensionOf(reference, 8101);
    const presence = awarenessBytes([{ clientID: 9201, clock: 1, state: '{"user":"intruder"}' }]);
    await withHonestTraffic(ts.url, async ({ boardId: honest }) => {
      const room = ts.server.rooms.get(honest)!;
      // A board nobody has, the honest board (loaded, with members), and one left again.
      const joinedThenLeft = 'joined-then-left';
      expect((await joinRaw(attacker, joinedThenLeft)).ok).toBe(true);
      expect(await emitRaw(attacker, 'board:leave', { boardId: joinedThenLeft })).toEqual({
        ok: true,
      });
      for (const target of [UNLOADED, honest, joinedThenLeft]) {
        const evil = fork(new Y.Doc(), 8300);
        const evilUpdate = capture(evil, () => evil.getMap('shapes').set('intruder', 1));
        evil.destroy();
        for (const [name, bytes] of [
          ['update', evilUpdate],
          ['update of another board', update],
        ] as const) {
          expectRefused(
            await sendUpdate(attacker, target, bytes),
            ErrorCode.NOT_JOINED,
            `${name} to ${target}`,
          );
          await expectAliveAndUnchanged(`${name} to ${target}`);
        }
        expectRefused(
          await sendAwareness(attacker, target, presence),
          ErrorCode.NOT_JOINED,
          `awareness to ${target}`,
        );
        await expectAliveAndUnchanged(`awareness to ${target}`);
      }
      expect(ts.server.rooms.get(UNLOADED)).toBeUndefined();
      expect(contentOf(room.doc)).not.toContain('intruder');
      expect(room.awareness.getStates().has(9201)).toBe(false);
    });
    await expectFreshJoinerMatches();
  });

  it('a frame beyond the engine.io cap closes that connection; the server keeps serving', async () => {
    await withHonestTraffic(ts.url, async () => {
      const oversize = await connectRaw(ts.url);
      sockets.push(oversize);
      expect((await joinRaw(oversize, REF)).ok).toBe(true);
      const oversizeId = oversize.id!;
      const closed = whenDisconnected(oversize);
      // Far past maxHttpBufferSize (maxMessageBytes + 64 KiB): Socket.IO drops the connection.
      emitRawNoAck(oversize, 'doc:update', { boardId: REF, update: new Uint8Array(512 * KiB) });
      await withDeadline(closed, 5000, 'oversize frame disconnect');
      expect(oversize.connected).toBe(false);
      // A key the MessagePack parser refuses (no prototype pollution): that connection closes too.
      const polluter = await connectRaw(ts.url);
      sockets.push(polluter);
      const polluterClosed = whenDisconnected(polluter);
      emitRawNoAck(
        polluter,
        'doc:update',
        JSON.parse('{"boardId":"x","__proto__":{"polluted":1}}'),
      );
      await withDeadline(polluterClosed, 5000, '__proto__ disconnect');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // Everyone else is fine: the attacker, a new socket, the honest peers (checked after).
      await expectAliveAndUnchanged('after the oversize frame');
      const health = await fetch(`${ts.url}/healthz`);
      expect(health.status).toBe(200);
      await vi.waitFor(() => expect(ts.server.rooms.get(REF)!.hasMember(oversizeId)).toBe(false), {
        timeout: 5000,
        interval: 5,
      });
    });
    await expectFreshJoinerMatches();
  });

  it('the process survives the corpus: /healthz answers, /metrics counted every refusal', async () => {
    // One more, so this test stands alone too.
    expectRefused(
      await sendUpdate(attacker, REF, new Uint8Array([1, 2, 3])),
      ErrorCode.INVALID_UPDATE,
      'last invalid update',
    );
    const health = await fetch(`${ts.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    const counted = new Map<string, number>();
    for (const match of metrics.matchAll(/^drawbridge_errors_total\{code="([A-Z_]+)"\} (\d+)$/gm)) {
      counted.set(match[1]!, Number(match[2]));
    }
    expect(counted.get(ErrorCode.INVALID_UPDATE)).toBeGreaterThan(0);
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(observed));
    await expectFreshJoinerMatches();
  });
});

// ---------------------------------------------------------------------------------------------
// Limits per socket

describe('per-socket limits', () => {
  let ts: TestServer | undefined;
  const sockets: RawSocket[] = [];
  const peers: Peer[] = [];

  afterEach(async () => {
    destroyAll(peers.splice(0));
    for (const socket of sockets.splice(0)) socket.disconnect();
    await ts?.destroy();
    ts = undefined;
  });

  it('a flood is RATE_LIMITED without a disconnect; other sockets are unaffected', async () => {
    const server = await startServer({ limits: { maxMessagesPerSecond: 20 } });
    ts = server;
    const flooder = await connectRaw(server.url);
    sockets.push(flooder);
    expect((await joinRaw(flooder, 'flood')).ok).toBe(true);
    // 200 independent updates (one new client each): which ones land is all that varies.
    const updates = Array.from({ length: 200 }, (_, i) => {
      const doc = new Y.Doc();
      doc.clientID = 50_000 + i;
      doc.getMap('shapes').set(`f${i}`, i);
      const update = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      return update;
    });
    const mirror = new Y.Doc();
    const acks = await withHonestTraffic(
      server.url,
      async () => Promise.all(updates.map((update) => sendUpdate(flooder, 'flood', update))),
      // The honest peers are rate limited too: stay well inside their own bucket.
      { minRounds: 3, maxRounds: 8, paced: false },
    );
    const accepted: number[] = [];
    let limited = 0;
    for (const [i, ack] of acks.entries()) {
      if (ack.ok) {
        accepted.push(i);
        Y.applyUpdate(mirror, updates[i]!);
      } else {
        expect(ack.error.code, `flood message ${i}`).toBe(ErrorCode.RATE_LIMITED);
        limited++;
      }
    }
    expect(limited).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length + limited).toBe(200);
    expect(flooder.connected).toBe(true);
    // Once the bucket refills, the same socket is served again.
    let retries = 0;
    await vi.waitFor(
      async () => {
        const ack = await joinRaw(flooder, 'flood');
        if (!ack.ok && ack.error.code === ErrorCode.RATE_LIMITED) retries++;
        expect(ack.ok).toBe(true);
      },
      { timeout: 5000, interval: 50 },
    );
    // The board holds exactly the accepted updates, and a fresh joiner converges with it.
    const room = server.server.rooms.get('flood')!;
    expect([...room.doc.getMap('shapes').keys()].sort()).toEqual(
      accepted.map((i) => `f${i}`).sort(),
    );
    const fresh = connectPeer(server.url, 'flood');
    peers.push(fresh);
    await whenLive(fresh);
    await expectConverged([fresh.doc, mirror]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(`drawbridge_errors_total{code="RATE_LIMITED"} ${limited + retries}`);
  });

  it('TOO_MANY_BOARDS past maxBoardsPerSocket; joined boards keep working', async () => {
    const server = await startServer({ limits: { maxBoardsPerSocket: 3 } });
    ts = server;
    const shared = await connectRaw(server.url);
    sockets.push(shared);
    // Providers sharing one socket: three boards fit, the fourth does not and gives up.
    const onShared = (boardId: string) => connectPeer(server.url, boardId, { socket: shared });
    const [p1, p2, p3] = [onShared('b1'), onShared('b2'), onShared('b3')];
    peers.push(p1, p2, p3);
    await Promise.all([p1, p2, p3].map(whenLive));
    const p4 = onShared('b4');
    peers.push(p4);
    const failed = await p4.provider.when((s) => s.status === 'failed');
    expect(failed.error?.code).toBe(ErrorCode.TOO_MANY_BOARDS);
    // Raw: refused with the code, nothing loaded; a board already joined may be joined again.
    const refused = await joinRaw(shared, 'b5');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe(ErrorCode.TOO_MANY_BOARDS);
    expect(server.server.rooms.get('b5')).toBeUndefined();
    expect(server.server.rooms.get('b4')).toBeUndefined();
    const again = await joinRaw(shared, 'b1', p1.doc);
    expect(again.ok).toBe(true);
    expect(shared.connected).toBe(true);
    // Leaving one frees a slot.
    p2.provider.destroy();
    const p4b = onShared('b4');
    peers.push(p4b);
    await whenLive(p4b);
    // Another socket edits b1 and b4: the shared socket's providers converge with it.
    const other1 = connectPeer(server.url, 'b1');
    const other4 = connectPeer(server.url, 'b4');
    peers.push(other1, other4);
    await Promise.all([whenLive(other1), whenLive(other4)]);
    other1.doc.getMap('shapes').set('x', { from: 'other' });
    p4b.doc.getText('text').insert(0, 'shared socket');
    await Promise.all([whenSaved(other1), whenSaved(p4b)]);
    await expectConverged([p1.doc, other1.doc]);
    await expectConverged([p4b.doc, other4.doc]);
    expect(p4b.provider.state.error).toBeNull();
  });
});
