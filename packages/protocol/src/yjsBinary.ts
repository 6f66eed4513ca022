/**
 * Bounded scanners for the three Yjs binary formats that cross the wire: updates (v1), state
 * vectors and y-protocols awareness updates.
 *
 * Why our own scan before Yjs sees the bytes: `Y.applyUpdate` trusts its input. A 7-byte update
 * that claims 33 million structs makes it allocate hundreds of MB; an update truncated inside its
 * delete set throws after it has partly applied; a struct that depends on content the receiver
 * lacks is parked as "pending" and later fed to `Y.mergeUpdates`, which can hang (yjs#687).
 * The scan walks the exact grammar Yjs reads (yjs 13.6 `readClientsStructRefs`,
 * `readItemContent`, `readDeleteSet`), bounds every count by the bytes left, checks every JSON
 * text parses, and reports every dependency, so that the caller applies only updates that Yjs
 * will integrate completely. It allocates O(structs) and runs in O(bytes).
 */
import * as decoding from 'lib0/decoding';
import {
  fail,
  MAX_CLOCK,
  readBytes,
  readClock,
  readCount,
  readJson,
  readString,
  readUint,
  remaining,
  skipString,
} from './yjsReading.js';

export { BinaryFormatError, MAX_CLOCK } from './yjsReading.js';

/** Deepest nesting of `any` values (ContentAny, ContentDoc options) accepted. */
export const MAX_ANY_DEPTH = 32;

export interface ClientRange {
  client: number;
  /** First clock the update carries for this client. */
  start: number;
  /** One past the last clock. */
  end: number;
  /** How many structs the client's section holds. */
  count: number;
  /** Where the section's structs are in the update's bytes: `[from, to)`, after its header. */
  from: number;
  to: number;
}

export interface DeleteRange {
  client: number;
  clock: number;
  len: number;
}

/** An ID an item of the update points at: its left or right origin, or its parent. */
export interface Dependency {
  client: number;
  clock: number;
  /** The ID of the item that depends on it. */
  fromClient: number;
  fromClock: number;
}

export interface ScannedUpdate {
  structs: ClientRange[];
  dependencies: Dependency[];
  deletes: DeleteRange[];
  /** Number of structs (GC and items) in the update. */
  structCount: number;
}

const BIT6 = 32;
const BIT7 = 64;
const BIT8 = 128;
const BITS5 = 31;
const CONTENT_GC = 0;
const CONTENT_SKIP = 10;

/** Skips one lib0 `any` value (lib0 `writeAny`), refusing unknown tags and deep nesting. */
const skipAny = (d: decoding.Decoder, depth: number): void => {
  if (depth > MAX_ANY_DEPTH) fail('value nested too deeply');
  if (remaining(d) <= 0) fail('unexpected end of data reading a value');
  const tag = decoding.readUint8(d);
  switch (tag) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125: // integer
      if (remaining(d) <= 0) fail('unexpected end of data reading an integer');
      try {
        decoding.readVarInt(d);
      } catch {
        fail('invalid integer');
      }
      return;
    case 124: // float32
      skipFixed(d, 4);
      return;
    case 123: // float64
    case 122: // bigint64
      skipFixed(d, 8);
      return;
    case 119: // string
      skipString(d, 'string value');
      return;
    case 118: {
      // object
      const n = readCount(d, 'object size', 2);
      for (let i = 0; i < n; i++) {
        skipString(d, 'object key');
        skipAny(d, depth + 1);
      }
      return;
    }
    case 117: {
      // array
      const n = readCount(d, 'array size', 1);
      for (let i = 0; i < n; i++) skipAny(d, depth + 1);
      return;
    }
    case 116: // Uint8Array
      readBytes(d, 'binary value');
      return;
    default:
      fail(`unknown value tag ${tag}`);
  }
};

const skipFixed = (d: decoding.Decoder, n: number): void => {
  if (n > remaining(d)) fail('unexpected end of data');
  d.pos += n;
};

/** The options Yjs writes for a subdocument (`ContentDoc.opts`). */
const DOC_OPTIONS: ReadonlySet<string> = new Set(['gc', 'autoLoad', 'meta']);

/**
 * A subdocument's options. Yjs runs `new Doc({ guid, ...opts, shouldLoad: opts.shouldLoad })`
 * on them: `null`/`undefined` make `applyUpdate` throw, and keys such as `guid: null` or a
 * non-function `gcFilter` break the document later. Only an object of the options Yjs itself
 * writes is accepted.
 */
const skipDocOptions = (d: decoding.Decoder): void => {
  if (remaining(d) <= 0) fail('unexpected end of data reading subdocument options');
  const tag = decoding.readUint8(d);
  if (tag !== 118) fail('subdocument options must be an object');
  const n = readCount(d, 'subdocument options size', 2);
  for (let i = 0; i < n; i++) {
    const key = readString(d, 'subdocument option');
    if (!DOC_OPTIONS.has(key)) fail(`unknown subdocument option ${JSON.stringify(key)}`);
    skipAny(d, 1);
  }
};

/** Reads one item's content and returns its length in clock units (yjs `readItemContent`). */
const readContent = (d: decoding.Decoder, ref: number): number => {
  switch (ref) {
    case 1: // ContentDeleted
      return readUint(d, 'deleted length');
    case 2: {
      // ContentJSON
      const n = readCount(d, 'JSON content length', 1);
      for (let i = 0; i < n; i++) readJson(d, 'JSON content', true);
      return n;
    }
    case 3: // ContentBinary
      readBytes(d, 'binary content');
      return 1;
    case 4: // ContentString
      return skipString(d, 'string content');
    case 5: // ContentEmbed
      readJson(d, 'embed content');
      return 1;
    case 6: // ContentFormat
      skipString(d, 'format key');
      readJson(d, 'format value');
      return 1;
    case 7: {
      // ContentType: YArray 0, YMap 1, YText 2, YXmlElement 3, YXmlFragment 4, YXmlHook 5, YXmlText 6
      const typeRef = readUint(d, 'type ref');
      if (typeRef > 6) fail(`unknown type ref ${typeRef}`);
      if (typeRef === 3 || typeRef === 5) skipString(d, 'type name');
      return 1;
    }
    case 8: {
      // ContentAny
      const n = readCount(d, 'any content length', 1);
      for (let i = 0; i < n; i++) skipAny(d, 0);
      return n;
    }
    case 9: // ContentDoc
      skipString(d, 'subdocument guid');
      skipDocOptions(d);
      return 1;
    default:
      return fail(`unknown content ref ${ref}`);
  }
};

/** What an item points at, named as failures name it (built once, not per struct). */
interface DependencyKind {
  client: string;
  clock: string;
}
const ORIGIN: DependencyKind = { client: 'origin client', clock: 'origin clock' };
const RIGHT_ORIGIN: DependencyKind = { client: 'right origin client', clock: 'right origin clock' };
const PARENT: DependencyKind = { client: 'parent client', clock: 'parent clock' };

/** Reads an ID item `client:clock` points at, and notes it. */
const readDependency = (
  d: decoding.Decoder,
  kind: DependencyKind,
  client: number,
  clock: number,
  dependencies: Dependency[],
): void => {
  const depClient = readUint(d, kind.client);
  const depClock = readClock(d, kind.clock);
  if (depClient === client && depClock >= clock) {
    fail(`item ${client}:${clock} points at its own future ${depClock}`);
  }
  dependencies.push({ client: depClient, clock: depClock, fromClient: client, fromClock: clock });
};

/**
 * Scans a Yjs v1 update completely. Throws BinaryFormatError unless the bytes are exactly one
 * well-formed update with no skipped ranges, no empty structs and no trailing bytes.
 */
export function scanUpdate(update: Uint8Array): ScannedUpdate {
  return scan(update, null);
}

/**
 * A run of one client's structs with no Skip among them: `count` structs from clock `start`,
 * at `[from, to)` in the update's bytes.
 */
export interface StructRun {
  client: number;
  start: number;
  count: number;
  from: number;
  to: number;
}

export interface UpdateRuns {
  /** Each client's structs between its Skips, in the order of the update. */
  runs: StructRun[];
  /** Where the delete set starts in the update's bytes. */
  deletesFrom: number;
  /** How many Skip structs the update holds. */
  skips: number;
}

/**
 * Scans an update as `scanUpdate` does, except that Skip structs (which `Y.mergeUpdates` writes
 * for a gap in a client's clocks) are accepted, and returns the runs of structs between them.
 * Only for the server's own stored bytes: a member's update with a Skip is refused.
 */
export function scanUpdateRuns(update: Uint8Array): UpdateRuns {
  const found: UpdateRuns = { runs: [], deletesFrom: 0, skips: 0 };
  scan(update, found);
  return found;
}

function scan(update: Uint8Array, found: UpdateRuns | null): ScannedUpdate {
  const d = decoding.createDecoder(update);
  const structs: ClientRange[] = [];
  const dependencies: Dependency[] = [];
  const seen = new Set<number>();
  let structCount = 0;
  // Each client section takes at least 3 bytes (count, client, clock).
  const clients = readCount(d, 'client count', 3);
  for (let i = 0; i < clients; i++) {
    // Each struct takes at least 2 bytes (info and a length or content).
    const n = readCount(d, 'struct count', 2);
    const client = readUint(d, 'client id');
    if (seen.has(client)) fail(`client ${client} appears twice`);
    seen.add(client);
    const start = readClock(d, 'clock');
    const from = d.pos;
    let clock = start;
    // Only `scanUpdateRuns` keeps runs; `scanUpdate` (every member update) allocates none.
    let run: StructRun | null = found && { client, start, count: 0, from, to: from };
    for (let j = 0; j < n; j++) {
      if (remaining(d) <= 0) fail('unexpected end of data reading a struct');
      const info = decoding.readUint8(d);
      const ref = info & BITS5;
      let len: number;
      if (ref === CONTENT_GC) {
        len = readUint(d, 'GC length');
      } else if (ref === CONTENT_SKIP) {
        if (found === null || run === null) {
          return fail('update skips a range (it was merged from non-contiguous updates)');
        }
        found.skips++;
        run.to = d.pos - 1;
        if (run.count > 0) found.runs.push(run);
        const skipped = readUint(d, 'skip length');
        if (skipped <= 0) fail(`empty skip at ${client}:${clock}`);
        clock += skipped;
        if (clock > MAX_CLOCK) fail(`clock of client ${client} out of range`);
        run = { client, start: clock, count: 0, from: d.pos, to: d.pos };
        continue;
      } else {
        const hasOrigin = (info & BIT8) === BIT8;
        const hasRightOrigin = (info & BIT7) === BIT7;
        if (hasOrigin) readDependency(d, ORIGIN, client, clock, dependencies);
        if (hasRightOrigin) readDependency(d, RIGHT_ORIGIN, client, clock, dependencies);
        if (!hasOrigin && !hasRightOrigin) {
          const parentIsRootType = readUint(d, 'parent info') === 1;
          if (parentIsRootType) skipString(d, 'parent name');
          else readDependency(d, PARENT, client, clock, dependencies);
          if ((info & BIT6) === BIT6) skipString(d, 'parent key');
        }
        len = readContent(d, ref);
      }
      if (len <= 0) fail(`empty struct at ${client}:${clock}`);
      clock += len;
      if (clock > MAX_CLOCK) fail(`clock of client ${client} out of range`);
      structCount++;
      if (run !== null) run.count++;
    }
    structs.push({ client, start, end: clock, count: n, from, to: d.pos });
    if (found !== null && run !== null && run.count > 0) {
      run.to = d.pos;
      found.runs.push(run);
    }
  }
  if (found !== null) found.deletesFrom = d.pos;
  const deletes = readDeleteRanges(d);
  if (remaining(d) !== 0) fail(`${remaining(d)} trailing bytes after the update`);
  return { structs, dependencies, deletes, structCount };
}

const readDeleteRanges = (d: decoding.Decoder): DeleteRange[] => {
  const deletes: DeleteRange[] = [];
  const clients = readCount(d, 'delete set client count', 2);
  for (let i = 0; i < clients; i++) {
    const client = readUint(d, 'delete set client');
    const n = readCount(d, 'delete count', 2);
    for (let j = 0; j < n; j++) {
      const clock = readClock(d, 'delete clock');
      const len = readClock(d, 'delete length');
      if (len <= 0) fail('empty delete range');
      if (clock + len > MAX_CLOCK) fail('delete range out of range');
      deletes.push({ client, clock, len });
    }
  }
  return deletes;
};

/** Scans a state vector (`Y.encodeStateVector`) into a map of client -> clock. */
export function scanStateVector(bytes: Uint8Array): Map<number, number> {
  const d = decoding.createDecoder(bytes);
  const state = new Map<number, number>();
  const n = readCount(d, 'state vector size', 2);
  for (let i = 0; i < n; i++) {
    const client = readUint(d, 'client id');
    const clock = readClock(d, 'clock');
    if (state.has(client)) fail(`client ${client} appears twice`);
    state.set(client, clock);
  }
  if (remaining(d) !== 0) fail(`${remaining(d)} trailing bytes after the state vector`);
  return state;
}

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  /** The parsed state; null removes the client. */
  state: Record<string, unknown> | null;
}

/** Scans a y-protocols awareness update; every state must be a JSON object or null. */
export function scanAwarenessUpdate(bytes: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(bytes);
  const n = readCount(d, 'awareness entry count', 3);
  const entries: AwarenessEntry[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const clientID = readUint(d, 'awareness client id');
    const clock = readUint(d, 'awareness clock');
    const text = readString(d, 'awareness state');
    if (seen.has(clientID)) fail(`awareness client ${clientID} appears twice`);
    seen.add(clientID);
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      return fail('awareness state is not valid JSON');
    }
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      fail('awareness state must be an object or null');
    }
    entries.push({ clientID, clock, state: state as Record<string, unknown> | null });
  }
  if (remaining(d) !== 0) fail(`${remaining(d)} trailing bytes after the awareness update`);
  return entries;
}
