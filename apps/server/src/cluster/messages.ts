import { isValidBoardId } from '@drawbridge/protocol';
import { decode, encode } from '@msgpack/msgpack';
import { type ConfigFingerprint, FINGERPRINT_HEX } from './ConfigAgreement.js';

/** A commit notice: what of the sender's messages is stored, and under which seqs. */
export interface CommitNotice {
  /**
   * Where the sender's numbers for this load of the board start (absent from nodes of older
   * versions): its messages below are from an earlier load, whose notices will not come.
   */
  from?: number;
  through: number;
  head: number;
  msgs: number[];
  stored: number[][];
}

/**
 * What nodes tell each other over the bus. Board messages go to the board's channel (only nodes
 * holding the board receive them); node messages go to one channel every node hears.
 *
 * - `update` (pre-commit): what the sender's document integrated from its members in one turn,
 *   numbered by the sender (`msg`, never reused: `MessageNumbers`), published before it is
 *   stored so that crossing nodes adds no storage latency. Receivers apply it but count it as
 *   unconfirmed.
 * - `commit`: the sender's messages up to `through` are stored; `stored[i]` lists the seqs
 *   of message `msgs[i]`. `head` is the highest seq the sender knows of. `from` is where the
 *   numbers of the sender's current load of the board start (`OwnMessages`). A notice usually
 *   rides on the sender's next `update` for the board (its `commit` field) and goes alone only
 *   when no update follows soon. (A node of an older version ignores the field; what it then
 *   lacks, it reads from storage at its periodic check.)
 * - `awareness`: states of the sender's members (or their removal). Those that changed in the
 *   same turn as an `update` ride on it (its `awareness` field).
 * - `query`: asks every holder of the board for its members' awareness states.
 * - `repair`: the sender read stored records of the board that no longer read back (damaged):
 *   every holder stores what it holds beyond `stateVector` (the sender's), so storage, the
 *   sender and every later load have it again (`DamageRepair`). `deletes` is the sender's delete
 *   set (a Yjs update without structs; absent from nodes of older versions): a holder whose
 *   answer would add no struct and no deletion to it stores nothing.
 * - `heartbeat` / `bye`: the sender is alive / leaves (its members' states go with it). A
 *   heartbeat carries the fingerprint of the settings every node must share (`config`, see
 *   `ConfigAgreement`) and the sender's `instance`, new with each start of its process: a node
 *   restarted under the same id is told apart from the one that died (both absent from nodes of
 *   older versions).
 */
export type BoardMessage =
  | {
      type: 'update';
      node: string;
      boardId: string;
      msg: number;
      update: Uint8Array;
      /** A notice of earlier messages, carried along (absent when none was pending). */
      commit?: CommitNotice;
      /** Awareness states that changed in the same turn, carried along. */
      awareness?: Uint8Array;
    }
  | ({ type: 'commit'; node: string; boardId: string } & CommitNotice)
  | { type: 'awareness'; node: string; boardId: string; update: Uint8Array }
  | { type: 'query'; node: string; boardId: string }
  | {
      type: 'repair';
      node: string;
      boardId: string;
      stateVector: Uint8Array;
      deletes?: Uint8Array;
    };

export type NodeMessage =
  | { type: 'heartbeat'; node: string; config?: ConfigFingerprint; instance?: string }
  | { type: 'bye'; node: string };

export type BusMessage = BoardMessage | NodeMessage;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * A message on the wire: one byte of sender-id length, the sender id, then the MessagePack body.
 * The sender comes first so a node can drop its own messages (Redis delivers a node's publishes
 * back to it, as a subscriber of the same channel) without decoding them.
 */
export function encodeMessage(message: BusMessage): Uint8Array {
  const node = utf8.encode(message.node);
  const body = encode(message);
  const bytes = new Uint8Array(1 + node.byteLength + body.byteLength);
  bytes[0] = node.byteLength;
  bytes.set(node, 1);
  bytes.set(body, 1 + node.byteLength);
  return bytes;
}

/** The sender id of an encoded message, read without decoding the rest; null if malformed. */
export function senderOf(bytes: Uint8Array): string | null {
  const length = bytes[0];
  if (length === undefined || length === 0 || bytes.byteLength < 1 + length) return null;
  return fromUtf8.decode(bytes.subarray(1, 1 + length));
}

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LIST = 100_000;

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isCounts = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length <= MAX_LIST && value.every(isCount);

/**
 * Decodes and checks the shape of a bus message; null for anything malformed (a message from
 * an incompatible version, or bytes that are not ours). Yjs and awareness payloads are only
 * shape-checked here: they are scanned before they touch a document, like a client's.
 */
export function decodeMessage(bytes: Uint8Array): BusMessage | null {
  const sender = senderOf(bytes);
  if (sender === null) return null;
  let value: unknown;
  try {
    value = decode(bytes.subarray(1 + bytes[0]!));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.node !== 'string' || !NODE_ID.test(m.node) || m.node !== sender) return null;
  switch (m.type) {
    case 'heartbeat': {
      const config = m.config === undefined ? undefined : fingerprintOf(m.config);
      if (config === null) return null;
      if (
        m.instance !== undefined &&
        (typeof m.instance !== 'string' || !INSTANCE.test(m.instance))
      )
        return null;
      return {
        type: 'heartbeat',
        node: m.node,
        ...(config ? { config } : {}),
        ...(m.instance !== undefined ? { instance: m.instance } : {}),
      };
    }
    case 'bye':
      return { type: 'bye', node: m.node };
  }
  if (!isValidBoardId(m.boardId)) return null;
  const base = { node: m.node, boardId: m.boardId };
  switch (m.type) {
    case 'update': {
      if (!isCount(m.msg) || !(m.update instanceof Uint8Array)) return null;
      const message: BoardMessage = { type: 'update', ...base, msg: m.msg, update: m.update };
      if (m.commit !== undefined) {
        const commit = noticeOf(m.commit);
        if (!commit) return null;
        message.commit = commit;
      }
      if (m.awareness !== undefined) {
        if (!(m.awareness instanceof Uint8Array)) return null;
        message.awareness = m.awareness;
      }
      return message;
    }
    case 'commit': {
      const notice = noticeOf(m);
      return notice ? { type: 'commit', ...base, ...notice } : null;
    }
    case 'awareness':
      if (!(m.update instanceof Uint8Array)) return null;
      return { type: 'awareness', ...base, update: m.update };
    case 'query':
      return { type: 'query', ...base };
    case 'repair': {
      if (!(m.stateVector instanceof Uint8Array)) return null;
      const message: BoardMessage = { type: 'repair', ...base, stateVector: m.stateVector };
      if (m.deletes === undefined) return message;
      if (!(m.deletes instanceof Uint8Array)) return null;
      message.deletes = m.deletes;
      return message;
    }
    default:
      return null;
  }
}

const SETTING = /^[A-Z][A-Z0-9_]{0,31}$/;
/** A process's instance id (`NodeDirectory` makes 16 hex digits). */
const INSTANCE = /^[0-9a-zA-Z_-]{1,64}$/;
const FINGERPRINT = new RegExp(`^(unset|[0-9a-f]{${FINGERPRINT_HEX}})$`);
const MAX_SETTINGS = 16;

/** A heartbeat's settings fingerprint; null if malformed. */
function fingerprintOf(value: unknown): ConfigFingerprint | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length > MAX_SETTINGS) return null;
  const config: ConfigFingerprint = {};
  for (const [name, fingerprint] of entries) {
    if (!SETTING.test(name) || typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint))
      return null;
    config[name] = fingerprint;
  }
  return config;
}

/** The commit notice in `value` (a `commit` message, or an update's `commit` field); null if malformed. */
function noticeOf(value: unknown): CommitNotice | null {
  if (typeof value !== 'object' || value === null) return null;
  const { from, through, head, msgs, stored } = value as Record<string, unknown>;
  if (!isCount(through) || !isCount(head) || !isCounts(msgs)) return null;
  if (!Array.isArray(stored) || stored.length !== msgs.length || !stored.every(isCounts)) {
    return null;
  }
  if (from === undefined) return { through, head, msgs, stored };
  return isCount(from) ? { from, through, head, msgs, stored } : null;
}
