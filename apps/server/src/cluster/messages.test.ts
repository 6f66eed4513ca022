import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { type BusMessage, decodeMessage, encodeMessage, senderOf } from './messages.js';

const valid: BusMessage[] = [
  { type: 'update', node: 'n1', boardId: 'b', msg: 3, update: Uint8Array.of(1, 2, 3) },
  {
    type: 'update',
    node: 'n1',
    boardId: 'b',
    msg: 4,
    update: Uint8Array.of(1),
    commit: { through: 3, head: 9, msgs: [3], stored: [[8, 9]] },
    awareness: Uint8Array.of(1, 0),
  },
  {
    type: 'update',
    node: 'n1',
    boardId: 'b',
    msg: 5,
    update: Uint8Array.of(1),
    awareness: Uint8Array.of(0),
  },
  {
    type: 'commit',
    node: 'n1',
    boardId: 'b',
    through: 3,
    head: 9,
    msgs: [2, 3],
    stored: [[7], [8, 9]],
  },
  // Numbers as `MessageNumbers` gives them, and where the sender's load starts.
  {
    type: 'commit',
    node: 'n1',
    boardId: 'b',
    from: 1_796_581_064_384_000,
    through: 1_796_581_064_384_002,
    head: 9,
    msgs: [1_796_581_064_384_002],
    stored: [[9]],
  },
  { type: 'awareness', node: 'n1', boardId: 'b', update: Uint8Array.of(0) },
  { type: 'query', node: 'n1', boardId: 'b' },
  { type: 'repair', node: 'n1', boardId: 'b', stateVector: Uint8Array.of(1, 7, 3) },
  {
    type: 'repair',
    node: 'n1',
    boardId: 'b',
    stateVector: Uint8Array.of(1, 7, 3),
    deletes: Uint8Array.of(0, 1, 7, 1, 0, 2),
  },
  { type: 'heartbeat', node: 'n1' },
  {
    type: 'heartbeat',
    node: 'n1',
    config: { AUTH_SECRET: '0123456789abcdef', PUBLIC_URL: 'unset' },
  },
  { type: 'heartbeat', node: 'n1', instance: '3f2a9c0d1e4b5a69' },
  {
    type: 'heartbeat',
    node: 'n1',
    config: { AUTH_SECRET: '0123456789abcdef' },
    instance: '3f2a9c0d1e4b5a69',
  },
  { type: 'bye', node: 'n1' },
];

describe('bus messages', () => {
  it('round-trip every type', () => {
    for (const message of valid) expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });

  it('refuse anything malformed instead of throwing', () => {
    const bad: unknown[] = [
      { type: 'update', node: 'n1', boardId: 'b', msg: -1, update: Uint8Array.of(1) },
      { type: 'update', node: 'n1', boardId: 'b', msg: 1, update: 'not bytes' },
      { type: 'update', node: 'bad node id!', boardId: 'b', msg: 1, update: Uint8Array.of(1) },
      { type: 'query', node: 'n1', boardId: '../etc' },
      { type: 'repair', node: 'n1', boardId: 'b', stateVector: [1, 7, 3] },
      { type: 'repair', node: 'n1', boardId: 'b', stateVector: Uint8Array.of(0), deletes: [0, 0] },
      { type: 'commit', node: 'n1', boardId: 'b', through: 1, head: 1, msgs: [1], stored: [] },
      { type: 'commit', node: 'n1', boardId: 'b', through: 1, head: 1, msgs: [1], stored: [[1.5]] },
      {
        type: 'commit',
        node: 'n1',
        boardId: 'b',
        from: -1,
        through: 1,
        head: 1,
        msgs: [],
        stored: [],
      },
      {
        type: 'commit',
        node: 'n1',
        boardId: 'b',
        from: '1',
        through: 1,
        head: 1,
        msgs: [],
        stored: [],
      },
      { type: 'update', node: 'n1', boardId: 'b', msg: 1, update: Uint8Array.of(1), commit: 7 },
      {
        type: 'update',
        node: 'n1',
        boardId: 'b',
        msg: 1,
        update: Uint8Array.of(1),
        awareness: 'x',
      },
      {
        type: 'update',
        node: 'n1',
        boardId: 'b',
        msg: 1,
        update: Uint8Array.of(1),
        commit: { through: 1, head: 1, msgs: [1, 2], stored: [[1]] },
      },
      { type: 'shout', node: 'n1', boardId: 'b' },
      { type: 'heartbeat', node: 'n1', config: ['AUTH_SECRET'] },
      { type: 'heartbeat', node: 'n1', config: { AUTH_SECRET: 'the secret itself' } },
      { type: 'heartbeat', node: 'n1', config: { __proto__x: 'unset' } },
      { type: 'heartbeat', node: 'n1', config: { AUTH_SECRET: 7 } },
      { type: 'heartbeat', node: 'n1', instance: 7 },
      { type: 'heartbeat', node: 'n1', instance: '' },
      { type: 'heartbeat', node: 'n1', instance: 'x'.repeat(65) },
      { type: 'heartbeat', node: 'n1', instance: 'not an id' },
      {
        type: 'heartbeat',
        node: 'n1',
        config: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`S${i}`, 'unset'])),
      },
      [1, 2, 3],
      null,
    ];
    const framed = (body: Uint8Array) => Uint8Array.of(2, 0x6e, 0x31, ...body); // sender "n1"
    for (const value of bad) expect(decodeMessage(framed(encode(value)))).toBeNull();
    expect(decodeMessage(framed(Uint8Array.of(0xc1)))).toBeNull();
    expect(decodeMessage(new Uint8Array(0))).toBeNull();
    // A body naming another sender than its frame is refused too.
    const spoofed = encodeMessage({ type: 'heartbeat', node: 'n2' });
    spoofed.set([0x6e, 0x31], 1);
    expect(decodeMessage(spoofed)).toBeNull();
    expect(senderOf(encodeMessage({ type: 'bye', node: 'node-7' }))).toBe('node-7');
  });
});
