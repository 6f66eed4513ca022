import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { findMissingDependency } from './updateDependencies.js';
import {
  BinaryFormatError,
  MAX_ANY_DEPTH,
  MAX_CLOCK,
  type ScannedUpdate,
  scanAwarenessUpdate,
  scanStateVector,
  scanUpdate,
} from './yjsBinary.js';

// ---------------------------------------------------------------------------------------------
// Helpers

/** mulberry32: a tiny seeded PRNG, so every run fuzzes exactly the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (rand: () => number, n: number): number => Math.floor(rand() * n);
const randomBytes = (rand: () => number, n: number): Uint8Array =>
  Uint8Array.from({ length: n }, () => randInt(rand, 256));

const newDoc = (clientID: number, opts?: ConstructorParameters<typeof Y.Doc>[0]): Y.Doc => {
  const doc = new Y.Doc(opts);
  doc.clientID = clientID;
  return doc;
};

/** Collects every update the doc emits, in order. */
const record = (doc: Y.Doc): Uint8Array[] => {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
};

const stateOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const concat = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** The error `fn` throws, or a failure when it throws nothing. */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

const expectRefused = (bytes: Uint8Array, message?: RegExp): void => {
  const error = thrown(() => scanUpdate(bytes));
  expect(error).toBeInstanceOf(BinaryFormatError);
  if (message) expect((error as Error).message).toMatch(message);
};

/** Applies to a fresh doc; true when Yjs integrated everything (nothing left pending). */
const applyFresh = (update: Uint8Array): Y.Doc => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
};
const hasPending = (doc: Y.Doc): boolean =>
  doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/** A crafted update must be accepted by the scanner and integrated by Yjs completely. */
const expectAcceptedAndIntegrated = (bytes: Uint8Array): ScannedUpdate => {
  const scan = scanUpdate(bytes);
  expect(findMissingDependency(scan, () => 0)).toBeNull();
  const doc = applyFresh(bytes);
  expect(hasPending(doc)).toBe(false);
  return scan;
};

const flattenDeletes = (ds: { clients: Map<number, { clock: number; len: number }[]> }) =>
  [...ds.clients].flatMap(([client, items]) =>
    items.map(({ clock, len }) => ({ client, clock, len })),
  );

/**
 * Checks a full-state update against the doc it came from: every client of the state vector is
 * reported from clock 0 to its state, and the struct and delete counts match Yjs's own decoding.
 */
const expectMatchesDoc = (update: Uint8Array, doc: Y.Doc): ScannedUpdate => {
  const scan = scanUpdate(update);
  const state = stateOf(doc);
  expect(scan.structs.length).toBe(state.size);
  for (const range of scan.structs) {
    expect(range.start).toBe(0);
    expect(range.end).toBe(state.get(range.client));
  }
  const decoded = Y.decodeUpdate(update);
  expect(scan.structCount).toBe(decoded.structs.length);
  const sortDeletes = (ds: { client: number; clock: number; len: number }[]) =>
    [...ds].sort((a, b) => a.client - b.client || a.clock - b.clock);
  expect(sortDeletes(scan.deletes)).toEqual(sortDeletes(flattenDeletes(decoded.ds)));
  return scan;
};

/**
 * Scans each incremental update and applies it to a mirror in order: each is accepted, has no
 * missing dependency, and reports exactly the clock ranges the mirror gains.
 */
const expectIncrementalUpdatesMatch = (updates: Uint8Array[]): Y.Doc => {
  const mirror = new Y.Doc();
  expect(updates.length).toBeGreaterThan(0);
  for (const update of updates) {
    const scan = scanUpdate(update);
    const before = stateOf(mirror);
    expect(findMissingDependency(scan, (client) => before.get(client) ?? 0)).toBeNull();
    Y.applyUpdate(mirror, update);
    expect(hasPending(mirror)).toBe(false);
    const after = stateOf(mirror);
    const gained = [...after]
      .filter(([client, clock]) => clock !== (before.get(client) ?? 0))
      .map(([client, clock]) => ({ client, start: before.get(client) ?? 0, end: clock }));
    const byClient = (a: { client: number }, b: { client: number }) => a.client - b.client;
    const ranges = scan.structs.map(({ client, start, end }) => ({ client, start, end }));
    expect(ranges.sort(byClient)).toEqual(gained.sort(byClient));
  }
  return mirror;
};

// -- Building real documents of every content type --------------------------------------------

interface Built {
  doc: Y.Doc;
  updates: Uint8Array[];
}

function buildText(): Built {
  const doc = newDoc(11);
  const updates = record(doc);
  const text = doc.getText('text');
  text.insert(0, 'Hello world');
  text.insert(5, ' 😀👍🏽 𝄞 ', { italic: true }); // non-BMP: surrogate pairs, 2 clock units each
  text.format(0, 5, { bold: true, color: '#f00' });
  text.insertEmbed(3, { image: 'https://example.com/a.png' });
  text.insertEmbed(0, { formula: 'x^2' }, { size: 2 });
  text.delete(1, 2);
  text.format(0, 4, { bold: null });
  text.insert(text.length, '🎉');
  return { doc, updates };
}

function buildMap(): Built {
  const doc = newDoc(22);
  const updates = record(doc);
  const map = doc.getMap('map');
  map.set('int', 42);
  map.set('negative', -7);
  map.set('float32', 1.5);
  map.set('float64', Math.PI);
  map.set('large', 2 ** 40);
  map.set('bigint', 12345678901234567890n);
  map.set('string', 'str ✓');
  map.set('true', true);
  map.set('false', false);
  map.set('null', null);
  map.set('undefined', undefined);
  map.set('object', { a: [1, { b: 'c' }], d: null, e: { f: { g: [] } } });
  map.set('array', [1, 'two', [3, [4]], true]);
  map.set('binary', new Uint8Array([1, 2, 3]));
  map.set('binaryInAny', { data: new Uint8Array([4, 5]) });
  const nested = new Y.Map();
  map.set('nested', nested);
  nested.set('key', 'value');
  const list = new Y.Array();
  nested.set('list', list);
  list.push([1, 'x', new Uint8Array([9]), { o: 1 }]);
  const inner = new Y.Map();
  list.insert(1, [inner]);
  inner.set('deep', 'yes');
  const innerText = new Y.Text('inner');
  inner.set('text', innerText);
  map.set('int', 43); // overwrite: deletes the old entry
  map.delete('string');
  list.delete(0, 1);
  map.set('subdoc', new Y.Doc());
  map.set(
    'subdocWithOptions',
    new Y.Doc({ guid: 'fixed-guid', gc: false, autoLoad: true, meta: { title: 'x', n: [1] } }),
  );
  return { doc, updates };
}

function buildXml(): Built {
  const doc = newDoc(33);
  const updates = record(doc);
  const fragment = doc.getXmlFragment('xml');
  const paragraph = new Y.XmlElement('p');
  fragment.insert(0, [paragraph]);
  paragraph.setAttribute('class', 'lead');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  text.insert(0, 'xml text', { bold: true });
  text.format(0, 3, { italic: true });
  text.insertEmbed(2, { img: 'a' });
  const child = new Y.XmlElement('span');
  paragraph.insert(1, [child]);
  child.insert(0, [new Y.XmlText('inside')]);
  const hook = new Y.XmlHook('custom-hook');
  fragment.insert(1, [hook as unknown as Y.XmlElement]); // Yjs's types omit hooks; Yjs does not
  hook.set('data', 1);
  const nestedFragment = new Y.XmlFragment();
  doc.getArray('holder').push([nestedFragment]);
  nestedFragment.insert(0, [new Y.XmlElement('div')]);
  fragment.delete(1, 1);
  return { doc, updates };
}

/** A hub that merged concurrent edits of many clients (cross-client origins, deletions). */
function buildManyClients(clients = 12, seed = 7, rounds = 3): Built {
  const rand = prng(seed);
  const hub = newDoc(1000);
  const updates = record(hub);
  for (let round = 0; round < rounds; round++) {
    const peers = Array.from({ length: clients }, (_, i) => {
      // Fresh client ids every round: Yjs reassigns a reused id it sees in incoming updates.
      const peer = newDoc(100 + round * clients + i);
      Y.applyUpdate(peer, Y.encodeStateAsUpdate(hub));
      return peer;
    });
    for (const peer of peers) {
      const text = peer.getText('text');
      text.insert(randInt(rand, text.length + 1), `c${peer.clientID}r${round} `);
      if (text.length > 4 && rand() < 0.5) text.delete(randInt(rand, text.length - 2), 2);
      const array = peer.getArray<unknown>('array');
      array.insert(randInt(rand, array.length + 1), [peer.clientID, { round }]);
      peer.getMap('map').set(`k${randInt(rand, 4)}`, peer.clientID);
    }
    // Concurrent: every peer edited the same hub state; merge them all.
    for (const peer of peers)
      Y.applyUpdate(hub, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(hub)));
  }
  return { doc: hub, updates };
}

/** Every content type Yjs writes, compactly: the base for exhaustive bit flipping. */
function buildCompact(): Built {
  const doc = newDoc(55);
  const updates = record(doc);
  const text = doc.getText('t');
  text.insert(0, 'a😀b', { b: true });
  text.insertEmbed(1, { i: 1 });
  text.delete(3, 1);
  const map = doc.getMap('m');
  map.set('a', { n: [1, -2, 1.5, 2 ** 40, null, true, 's'], u: new Uint8Array([1]) });
  map.set('b', new Uint8Array([7]));
  map.set('d', new Y.Doc({ guid: 'g', gc: false, meta: { x: 1 } }));
  const list = new Y.Array<unknown>();
  map.set('l', list);
  list.push([3, new Y.Map()]);
  const xml = doc.getXmlFragment('x');
  const element = new Y.XmlElement('p');
  xml.insert(0, [element, new Y.XmlHook('h') as unknown as Y.XmlElement]);
  element.setAttribute('k', 'v');
  element.insert(0, [new Y.XmlText('x')]);
  map.set('a', 0); // overwrite: a deletion
  return { doc, updates };
}

/** Deleted content in a `gc: true` doc: deleted types' children become GC structs. */
function buildGc(): Built {
  const doc = newDoc(44, { gc: true });
  const updates = record(doc);
  const array = doc.getArray<unknown>('array');
  const map = new Y.Map<unknown>();
  array.push(['a', map, 'b']);
  map.set('x', 'y');
  map.set('z', new Y.Text('gone soon'));
  const list = new Y.Array<unknown>();
  map.set('list', list);
  list.push([1, 2, 3]);
  array.delete(1, 1); // the map and everything in it
  const text = doc.getText('text');
  text.insert(0, 'abcdefghij');
  text.delete(2, 5);
  return { doc, updates };
}

const CONTENT_DOCS: [string, () => Built][] = [
  ['Y.Text (emoji, formatting, embeds)', buildText],
  ['Y.Map (any values, binary, nested types, subdocuments)', buildMap],
  ['Y.Xml*', buildXml],
  ['many clients', () => buildManyClients()],
  ['GC after deletes', buildGc],
  ['every content type, compactly', buildCompact],
];

// -- Crafting updates byte by byte (lib0 encoding, the way Yjs writes them) ------------------

type Write = (e: encoding.Encoder) => void;
interface Section {
  client: number;
  clock: number;
  structs: Write[];
}

const BIT6 = 32;
const BIT7 = 64;
const BIT8 = 128;
const REF = {
  GC: 0,
  DELETED: 1,
  JSON: 2,
  BINARY: 3,
  STRING: 4,
  EMBED: 5,
  FORMAT: 6,
  TYPE: 7,
  ANY: 8,
  DOC: 9,
  SKIP: 10,
} as const;

function craft(sections: Section[], deletes: [number, [number, number][]][] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, sections.length);
  for (const { client, clock, structs } of sections) {
    encoding.writeVarUint(e, structs.length);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    for (const write of structs) write(e);
  }
  encoding.writeVarUint(e, deletes.length);
  for (const [client, ranges] of deletes) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

const varString =
  (s: string): Write =>
  (e) =>
    encoding.writeVarString(e, s);
/** A length-prefixed byte string that need not be UTF-8. */
const rawString =
  (bytes: number[]): Write =>
  (e) =>
    encoding.writeVarUint8Array(e, Uint8Array.from(bytes));

/** An item whose parent is the root type `parent` (optionally a map entry `key`). */
const rootItem =
  (ref: number, content: Write, parent: Write = varString('root'), key?: Write): Write =>
  (e) => {
    encoding.writeUint8(e, ref | (key ? BIT6 : 0));
    encoding.writeVarUint(e, 1); // parent is a root type, named:
    parent(e);
    key?.(e);
    content(e);
  };
/** An item inserted after `client:clock` (its left origin). */
const itemAfter =
  (ref: number, client: number, clock: number, content: Write): Write =>
  (e) => {
    encoding.writeUint8(e, ref | BIT8);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    content(e);
  };
/** An item inserted before `client:clock` (its right origin only). */
const itemBefore =
  (ref: number, client: number, clock: number, content: Write): Write =>
  (e) => {
    encoding.writeUint8(e, ref | BIT7);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    content(e);
  };
/** An item whose parent is the type item `client:clock`. */
const childItem =
  (ref: number, client: number, clock: number, content: Write): Write =>
  (e) => {
    encoding.writeUint8(e, ref);
    encoding.writeVarUint(e, 0); // parent is an item ID:
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    content(e);
  };
const gcStruct =
  (len: number): Write =>
  (e) => {
    encoding.writeUint8(e, REF.GC);
    encoding.writeVarUint(e, len);
  };

const content = {
  string: (s: string): Write => varString(s),
  json:
    (...texts: string[]): Write =>
    (e) => {
      encoding.writeVarUint(e, texts.length);
      for (const text of texts) encoding.writeVarString(e, text);
    },
  any:
    (...values: unknown[]): Write =>
    (e) => {
      encoding.writeVarUint(e, values.length);
      // biome-ignore lint/suspicious/noExplicitAny: lib0's writeAny takes its own `any` union.
      for (const value of values) encoding.writeAny(e, value as any);
    },
  type:
    (typeRef: number, name?: string): Write =>
    (e) => {
      encoding.writeVarUint(e, typeRef);
      if (name !== undefined) encoding.writeVarString(e, name);
    },
  deleted:
    (len: number): Write =>
    (e) =>
      encoding.writeVarUint(e, len),
  binary:
    (bytes: number[]): Write =>
    (e) =>
      encoding.writeVarUint8Array(e, Uint8Array.from(bytes)),
  format:
    (key: Write, value: Write): Write =>
    (e) => {
      key(e);
      value(e);
    },
  doc:
    (guid: string, options: Write): Write =>
    (e) => {
      encoding.writeVarString(e, guid);
      options(e);
    },
};
/** A raw lib0 `any` value. */
const anyValue =
  (value: unknown): Write =>
  (e) =>
    // biome-ignore lint/suspicious/noExplicitAny: lib0's writeAny takes its own `any` union.
    encoding.writeAny(e, value as any);

const one = (client: number, struct: Write, clock = 0): Uint8Array =>
  craft([{ client, clock, structs: [struct] }]);

const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** Every bit of `bytes` flipped, one at a time. */
function* bitFlips(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = bytes.slice();
      flipped[i] = (flipped[i] ?? 0) ^ (1 << bit);
      yield flipped;
    }
  }
}

/**
 * The key property: anything the scanner accepts, Yjs integrates without throwing; when
 * findMissingDependency finds nothing missing, completely (nothing left pending), and what the
 * doc then emits and encodes passes the scanner again. Returns whether the scanner accepted.
 */
const checkScanImpliesIntegrates = (bytes: Uint8Array): boolean => {
  let scan: ScannedUpdate;
  try {
    scan = scanUpdate(bytes);
  } catch (error) {
    if (!(error instanceof BinaryFormatError)) {
      throw new Error(`scanUpdate threw ${String(error)} for ${hex(bytes)}`);
    }
    return false;
  }
  const doc = new Y.Doc();
  let integrated: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => {
    integrated = update;
  });
  try {
    Y.applyUpdate(doc, bytes);
  } catch (error) {
    throw new Error(`scanUpdate accepted what Yjs cannot apply (${String(error)}): ${hex(bytes)}`);
  }
  if (findMissingDependency(scan, () => 0) !== null) return true;
  if (hasPending(doc)) {
    throw new Error(`no missing dependency reported, yet Yjs left structs pending: ${hex(bytes)}`);
  }
  // What a server then relays and stores (the integrated update, later a snapshot of the doc)
  // must pass the scanner too, or the board could not be reloaded.
  try {
    if (integrated) scanUpdate(integrated);
    scanUpdate(Y.encodeStateAsUpdate(doc));
  } catch (error) {
    throw new Error(`the re-encoded board does not scan (${String(error)}): ${hex(bytes)}`);
  }
  return true;
};

// ---------------------------------------------------------------------------------------------

describe('scanUpdate accepts what Yjs produces', () => {
  for (const [name, build] of CONTENT_DOCS) {
    describe(name, () => {
      it('accepts every incremental update, reporting the clock ranges it adds', () => {
        const { doc, updates } = build();
        const mirror = expectIncrementalUpdatesMatch(updates);
        expect(Y.encodeStateAsUpdate(mirror)).toEqual(Y.encodeStateAsUpdate(doc));
      });

      it("accepts the full state; each client's range ends at its state vector clock", () => {
        const { doc } = build();
        const update = Y.encodeStateAsUpdate(doc);
        const scan = expectMatchesDoc(update, doc);
        expect(scan.structCount).toBeGreaterThan(0);
        expect(findMissingDependency(scan, () => 0)).toBeNull();
      });

      it('accepts a diff against a partial state vector, starting where that state ends', () => {
        const { doc, updates } = build();
        const partial = new Y.Doc();
        for (const update of updates.slice(0, Math.ceil(updates.length / 2))) {
          Y.applyUpdate(partial, update);
        }
        const have = stateOf(partial);
        const diff = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(partial));
        const scan = scanUpdate(diff);
        const state = stateOf(doc);
        for (const range of scan.structs) {
          expect(range.start).toBe(have.get(range.client) ?? 0);
          expect(range.end).toBe(state.get(range.client));
        }
        expect(findMissingDependency(scan, (client) => have.get(client) ?? 0)).toBeNull();
        Y.applyUpdate(partial, diff);
        expect(stateOf(partial)).toEqual(state);
      });
    });
  }

  it('counts surrogate pairs as two clock units, as Yjs does', () => {
    const doc = newDoc(5);
    doc.getText('t').insert(0, '😀a');
    const scan = scanUpdate(Y.encodeStateAsUpdate(doc));
    expect(scan.structs).toMatchObject([{ client: 5, start: 0, end: 3 }]);
  });

  it('the many-clients document has many clients and cross-client origins', () => {
    const { doc } = buildManyClients();
    const scan = expectMatchesDoc(Y.encodeStateAsUpdate(doc), doc);
    expect(scan.structs.length).toBeGreaterThanOrEqual(12);
    expect(scan.dependencies.some((dep) => dep.client !== dep.fromClient)).toBe(true);
    expect(scan.deletes.length).toBeGreaterThan(0);
  });

  it('the GC document really contains GC structs and deleted content', () => {
    const { doc } = buildGc();
    const update = Y.encodeStateAsUpdate(doc);
    const { structs } = Y.decodeUpdate(update);
    expect(structs.some((s) => s instanceof Y.GC)).toBe(true);
    expect(structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentDeleted)).toBe(
      true,
    );
    expect(scanUpdate(update).deletes.length).toBeGreaterThan(0);
  });

  it('accepts an empty update and a delete-only update', () => {
    expect(scanUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual({
      structs: [],
      dependencies: [],
      deletes: [],
      structCount: 0,
    });
    const doc = newDoc(3);
    doc.getText('t').insert(0, 'abcdef');
    const updates = record(doc);
    doc.getText('t').delete(1, 3);
    expect(updates).toHaveLength(1);
    const scan = scanUpdate(updates[0]!);
    expect(scan.structs).toEqual([]);
    expect(scan.deletes).toEqual([{ client: 3, clock: 1, len: 3 }]);
  });

  it('reports origins, right origins and parents as dependencies', () => {
    const a = newDoc(1);
    a.getText('t').insert(0, 'ac');
    const b = newDoc(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const updates = record(b);
    b.getText('t').insert(1, 'b'); // between 1:0 and 1:1
    const scan = scanUpdate(updates[0]!);
    expect(scan.dependencies).toEqual([
      { client: 1, clock: 0, fromClient: 2, fromClock: 0 },
      { client: 1, clock: 1, fromClient: 2, fromClock: 0 },
    ]);
    const parent = newDoc(3);
    Y.applyUpdate(parent, Y.encodeStateAsUpdate(a));
    const map = new Y.Map();
    parent.getArray('arr').insert(0, [map]);
    const childUpdates = record(parent);
    map.set('k', 1);
    expect(scanUpdate(childUpdates[0]!).dependencies).toEqual([
      { client: 3, clock: 0, fromClient: 3, fromClock: 1 },
    ]);
  });

  it('accepts crafted items of every content and type ref that Yjs integrates', () => {
    const cases: Write[] = [
      rootItem(REF.DELETED, content.deleted(3)),
      rootItem(REF.JSON, content.json('{"a":1}', 'undefined', '[1,"x"]')),
      rootItem(REF.BINARY, content.binary([1, 2, 3])),
      rootItem(REF.STRING, content.string('x😀')),
      rootItem(REF.EMBED, content.string('{"image":"a.png"}')),
      rootItem(REF.FORMAT, content.format(varString('bold'), varString('true'))),
      rootItem(REF.ANY, content.any(1, 'a', null, undefined, true, 1.5, [1], { a: 1 })),
      rootItem(REF.DOC, content.doc('guid', anyValue({}))),
      rootItem(REF.DOC, content.doc('guid', anyValue({ gc: false, autoLoad: true, meta: 1 }))),
      rootItem(REF.STRING, content.string('v'), varString('root'), varString('key')),
      gcStruct(5),
      ...[0, 1, 2, 4, 6].map((typeRef) => rootItem(REF.TYPE, content.type(typeRef))),
      rootItem(REF.TYPE, content.type(3, 'element')),
      rootItem(REF.TYPE, content.type(5, 'hook')),
    ];
    for (const struct of cases) expectAcceptedAndIntegrated(one(9, struct));
    const beforeAndAfter = expectAcceptedAndIntegrated(
      craft([
        {
          client: 9,
          clock: 0,
          structs: [
            rootItem(REF.STRING, content.string('b')),
            itemBefore(REF.STRING, 9, 0, content.string('a')),
            itemAfter(REF.STRING, 9, 0, content.string('c')),
          ],
        },
      ]),
    );
    expect(beforeAndAfter.dependencies.map((d) => `${d.fromClock}->${d.clock}`)).toEqual([
      '1->0',
      '2->0',
    ]);
    const doc = applyFresh(one(9, rootItem(REF.JSON, content.json('{"a":1}', '2'))));
    expect(doc.getArray('root').toJSON()).toEqual([{ a: 1 }, 2]);
  });
});

describe('scanUpdate refuses malformed bytes', () => {
  const { doc: textDoc, updates: textUpdates } = buildText();
  const { doc: mapDoc } = buildMap();
  const textUpdate = Y.encodeStateAsUpdate(textDoc);
  const mapUpdate = Y.encodeStateAsUpdate(mapDoc);

  it('refuses empty input', () => {
    expectRefused(new Uint8Array(0), /unexpected end/);
  });

  it('throws only BinaryFormatError on random bytes, quickly', () => {
    const rand = prng(1);
    let slowest = 0;
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      // Half purely random, half with a plausible header so the scan reaches the structs.
      const bytes =
        i % 2 === 0
          ? randomBytes(rand, randInt(rand, 64))
          : concat([1, 1 + randInt(rand, 3), randInt(rand, 128), 0], randomBytes(rand, 40));
      const start = performance.now();
      if (checkScanImpliesIntegrates(bytes)) accepted++;
      for (const scanner of [scanStateVector, scanAwarenessUpdate]) {
        try {
          scanner(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BinaryFormatError);
        }
      }
      slowest = Math.max(slowest, performance.now() - start);
    }
    expect(accepted).toBeLessThan(4000);
    expect(slowest).toBeLessThan(250);
  });

  it('refuses every truncation of a real update', () => {
    for (const update of [textUpdate, mapUpdate]) {
      for (let length = 0; length < update.length; length++) {
        expectRefused(update.subarray(0, length));
      }
      expect(() => scanUpdate(update)).not.toThrow();
    }
  });

  it('refuses, without allocating for them, 7 bytes that claim 33 million structs', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1); // one client
    encoding.writeVarUint(e, 33_554_432); // structs
    encoding.writeVarUint(e, 1); // client
    encoding.writeVarUint(e, 0); // clock
    const bytes = encoding.toUint8Array(e);
    expect(bytes).toHaveLength(7);
    const start = performance.now();
    // Refused at the count, before a single struct is read or allocated.
    expectRefused(bytes, /struct count claims 33554432 entries in 2 bytes/);
    expect(performance.now() - start).toBeLessThan(50);
    // Also for the client count, the delete set and the state vector.
    expectRefused(Uint8Array.from([0xff, 0xff, 0xff, 0x0f]), /client count claims/);
    expectRefused(Uint8Array.from([0, 0xff, 0xff, 0xff, 0x0f]), /delete set client count claims/);
    expect(() => scanStateVector(Uint8Array.from([0xff, 0xff, 0xff, 0x0f, 1, 1]))).toThrow(
      /state vector size claims/,
    );
  });

  it('refuses an update truncated inside its delete set (Yjs would apply it partly, then throw)', () => {
    const deleteOnly = textUpdates.find((u) => scanUpdate(u).structs.length === 0);
    expect(deleteOnly).toBeDefined();
    for (let length = 1; length < deleteOnly!.length; length++) {
      expectRefused(deleteOnly!.subarray(0, length));
    }
    // Find where the full update's delete set starts: the prefix that, with an empty delete
    // set appended, is a valid update.
    const dsStart = [...textUpdate.keys()].find((k) => {
      try {
        scanUpdate(concat(textUpdate.subarray(0, k), [0]));
        return true;
      } catch {
        return false;
      }
    });
    expect(dsStart).toBeDefined();
    expect(textUpdate.length - dsStart!).toBeGreaterThan(2);
    for (let length = dsStart! + 1; length < textUpdate.length; length++) {
      const truncated = textUpdate.subarray(0, length);
      expectRefused(truncated);
      const doc = new Y.Doc();
      expect(() => Y.applyUpdate(doc, truncated)).toThrow();
      expect(doc.getText('text').length).toBeGreaterThan(0); // the structs went in regardless
    }
  });

  it('refuses trailing bytes (which Yjs would ignore)', () => {
    const padded = concat(textUpdate, [0]);
    expectRefused(padded, /1 trailing bytes/);
    expect(() => applyFresh(padded)).not.toThrow();
    expectRefused(concat(mapUpdate, [1, 2, 3]), /3 trailing bytes/);
  });

  it('refuses Skip structs (updates merged from non-contiguous updates of one client)', () => {
    const doc = newDoc(7);
    const updates = record(doc);
    const text = doc.getText('t');
    text.insert(0, 'a');
    text.insert(1, 'b');
    text.insert(2, 'c');
    const merged = Y.mergeUpdates([updates[0]!, updates[2]!]);
    expect(Y.decodeUpdate(merged).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    expectRefused(merged, /skips a range/);
    // Merging contiguous updates yields no Skip and is fine.
    expect(() => scanUpdate(Y.mergeUpdates(updates))).not.toThrow();
    expectRefused(
      one(7, gcStruct(1), 0).map((b, i) => (i === 4 ? REF.SKIP : b)),
      /skips/,
    );
  });

  it('refuses invalid JSON in ContentJSON, embeds and format values', () => {
    const badJson = one(9, rootItem(REF.JSON, content.json('{"a":1}', '{"a":')));
    expectRefused(badJson, /JSON content is not valid JSON/);
    expect(() => applyFresh(badJson)).toThrow(SyntaxError);
    expectRefused(one(9, rootItem(REF.EMBED, content.string('{image'))), /embed content/);
    expectRefused(one(9, rootItem(REF.EMBED, content.string('undefined'))), /embed content/);
    expectRefused(
      one(9, rootItem(REF.FORMAT, content.format(varString('bold'), varString('tru')))),
      /format value/,
    );
  });

  it('refuses invalid UTF-8 in every string', () => {
    const bad = rawString([0x61, 0xc3, 0x28]); // 0xc3 must be followed by a continuation byte
    const prefixed =
      (n: number, ...writes: Write[]): Write =>
      (e) => {
        encoding.writeVarUint(e, n);
        for (const write of writes) write(e);
      };
    const anyString: Write = (e) => {
      encoding.writeUint8(e, 119); // lib0 `any` tag: string
      bad(e);
    };
    const badKey: Write = (e) => {
      encoding.writeUint8(e, 118); // lib0 `any` tag: object
      encoding.writeVarUint(e, 1);
      bad(e);
      encoding.writeUint8(e, 127); // undefined
    };
    const longBad = rawString([...new Array(100).fill(0x61), 0xc3, 0x28]);
    const longAnyString: Write = (e) => {
      encoding.writeUint8(e, 119);
      longBad(e);
    };
    const badGuid: Write = (e) => {
      bad(e);
      anyValue({})(e);
    };
    const cases: [Uint8Array, RegExp][] = [
      [one(9, rootItem(REF.STRING, bad)), /string content is not valid UTF-8/],
      [one(9, rootItem(REF.STRING, content.string('x'), bad)), /parent name/],
      [one(9, rootItem(REF.STRING, content.string('x'), varString('r'), bad)), /parent key/],
      [one(9, rootItem(REF.FORMAT, content.format(bad, varString('1')))), /format key/],
      [one(9, rootItem(REF.JSON, prefixed(1, bad))), /JSON content is not valid UTF-8/],
      [one(9, rootItem(REF.TYPE, prefixed(3, bad))), /type name/],
      [one(9, rootItem(REF.DOC, content.doc('g', anyString))), /must be an object/],
      [one(9, rootItem(REF.DOC, badGuid)), /subdocument guid/],
      [one(9, rootItem(REF.ANY, prefixed(1, anyString))), /string value/],
      [one(9, rootItem(REF.ANY, prefixed(1, badKey))), /object key/],
      [one(9, rootItem(REF.STRING, rawString([0xed, 0xa0, 0x80]))), /UTF-8/], // encoded surrogate
      // Past the length checked byte by byte, the platform's decoder checks: the same refusals.
      [one(9, rootItem(REF.STRING, longBad)), /string content is not valid UTF-8/],
      [one(9, rootItem(REF.ANY, prefixed(1, longAnyString))), /string value/],
    ];
    for (const [bytes, message] of cases) {
      expectRefused(bytes, message);
      expect(() => applyFresh(bytes)).toThrow(); // Yjs's own decoder is fatal on bad UTF-8
    }
  });

  it('refuses unknown content refs', () => {
    for (let ref = 11; ref < 32; ref++) {
      const bytes = one(9, rootItem(ref, content.string('x')));
      expectRefused(bytes, new RegExp(`unknown content ref ${ref}$`));
      expect(() => applyFresh(bytes)).toThrow();
    }
  });

  it('refuses unknown type refs', () => {
    for (const typeRef of [7, 8, 100, 2 ** 20]) {
      const bytes = one(9, rootItem(REF.TYPE, content.type(typeRef)));
      expectRefused(bytes, new RegExp(`unknown type ref ${typeRef}$`));
      expect(() => applyFresh(bytes)).toThrow();
    }
  });

  it('refuses unknown value tags in `any` content', () => {
    for (const tag of [0, 115, 128, 255]) {
      const bytes = one(
        9,
        rootItem(REF.ANY, (e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeUint8(e, tag);
        }),
      );
      expectRefused(bytes, new RegExp(`unknown value tag ${tag}$`));
    }
  });

  it(`accepts \`any\` nested ${MAX_ANY_DEPTH} deep and refuses one level deeper`, () => {
    expectAcceptedAndIntegrated(one(9, rootItem(REF.ANY, content.any(nested(MAX_ANY_DEPTH)))));
    expectRefused(
      one(9, rootItem(REF.ANY, content.any(nested(MAX_ANY_DEPTH + 1)))),
      /nested too deeply/,
    );
    let object: unknown = 1;
    for (let i = 0; i < 1000; i++) object = { o: object };
    expectRefused(one(9, rootItem(REF.ANY, content.any(object))), /nested too deeply/);
    // Subdocument options count as depth 0 too.
    expectAcceptedAndIntegrated(
      one(9, rootItem(REF.DOC, content.doc('g', anyValue({ meta: nested(MAX_ANY_DEPTH - 1) })))),
    );
    expectRefused(
      one(9, rootItem(REF.DOC, content.doc('g', anyValue({ meta: nested(MAX_ANY_DEPTH) })))),
      /nested too deeply/,
    );
  });

  it('refuses duplicate client sections', () => {
    const sections = [
      { client: 9, clock: 0, structs: [rootItem(REF.STRING, content.string('a'))] },
      { client: 9, clock: 1, structs: [itemAfter(REF.STRING, 9, 0, content.string('b'))] },
    ];
    expectRefused(craft(sections), /client 9 appears twice/);
    // The same structs in one section are fine.
    expectAcceptedAndIntegrated(
      craft([{ client: 9, clock: 0, structs: sections.flatMap((s) => s.structs) }]),
    );
  });

  it('refuses empty structs and empty delete ranges', () => {
    expectRefused(one(9, gcStruct(0)), /empty struct at 9:0/);
    expectRefused(one(9, rootItem(REF.STRING, content.string(''))), /empty struct/);
    expectRefused(one(9, rootItem(REF.DELETED, content.deleted(0))), /empty struct/);
    expectRefused(one(9, rootItem(REF.JSON, content.json())), /empty struct/);
    expectRefused(one(9, rootItem(REF.ANY, content.any())), /empty struct/);
    expectRefused(craft([], [[9, [[0, 0]]]]), /empty delete range/);
  });

  it(`refuses clocks past ${MAX_CLOCK}`, () => {
    expect(() => scanUpdate(one(9, gcStruct(1), MAX_CLOCK - 1))).not.toThrow();
    expectRefused(one(9, gcStruct(2), MAX_CLOCK - 1), /clock of client 9 out of range/);
    expectRefused(one(9, gcStruct(1), MAX_CLOCK + 1), /clock \d+ is out of range/);
    expectRefused(one(9, gcStruct(2 ** 52)), /out of range/);
    expectRefused(
      one(9, itemAfter(REF.STRING, 8, MAX_CLOCK + 1, content.string('x'))),
      /origin clock/,
    );
    expectRefused(craft([], [[9, [[MAX_CLOCK, 1]]]]), /delete range out of range/);
    expectRefused(craft([], [[9, [[MAX_CLOCK + 1, 1]]]]), /delete clock/);
    expectRefused(
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
      /varint/,
    );
  });

  it("refuses an item that points at its own client's future", () => {
    const struct = itemAfter(REF.STRING, 9, 5, content.string('x'));
    expectRefused(one(9, struct, 5), /item 9:5 points at its own future 5/);
    expectRefused(one(9, childItem(REF.STRING, 9, 7, content.string('x')), 5), /own future/);
    expectAcceptedAndIntegrated(
      craft([
        {
          client: 9,
          clock: 0,
          structs: [
            rootItem(REF.STRING, content.string('abcde')),
            itemAfter(REF.STRING, 9, 4, content.string('x')),
          ],
        },
      ]),
    );
  });

  it('refuses subdocument options Yjs cannot use', () => {
    for (const options of [null, undefined, 5, 'opts', [1]]) {
      const bytes = one(9, rootItem(REF.DOC, content.doc('g', anyValue(options))));
      expectRefused(bytes, /subdocument options must be an object/);
    }
    // Why: Yjs reads `opts.shouldLoad` and throws on null.
    expect(() => applyFresh(one(9, rootItem(REF.DOC, content.doc('g', anyValue(null)))))).toThrow(
      TypeError,
    );
    for (const key of ['guid', 'gcFilter', 'collectionid', 'shouldLoad']) {
      const bytes = one(9, rootItem(REF.DOC, content.doc('g', anyValue({ [key]: null }))));
      expectRefused(bytes, new RegExp(`unknown subdocument option "${key}"`));
    }
    // Why: `guid: null` integrates, but the board can never be encoded again.
    const poisoned = applyFresh(
      one(9, rootItem(REF.DOC, content.doc('g', anyValue({ guid: null })))),
    );
    expect(() => Y.encodeStateAsUpdate(poisoned)).toThrow();
  });

  it('fuzz: every single-bit flip of real updates is refused or integrates cleanly', () => {
    const bases = [
      Y.encodeStateAsUpdate(buildCompact().doc),
      Y.encodeStateAsUpdate(buildGc().doc),
      Y.encodeStateAsUpdate(buildManyClients(3, 11, 2).doc), // cross-client origins
    ];
    let accepted = 0;
    let refused = 0;
    for (const base of bases) {
      for (const flipped of bitFlips(base)) {
        if (checkScanImpliesIntegrates(flipped)) accepted++;
        else refused++;
      }
    }
    // Both outcomes happen, so both branches of the property were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('fuzz: seeded random byte mutations are refused or integrate cleanly', () => {
    const rand = prng(42);
    const bases = [textUpdate, mapUpdate, Y.encodeStateAsUpdate(buildXml().doc)];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let bytes: Uint8Array = bases[i % bases.length]!.slice();
      for (let m = 1 + randInt(rand, 3); m > 0; m--) {
        const at = randInt(rand, bytes.length);
        const op = randInt(rand, 3);
        if (op === 0) bytes[at] = randInt(rand, 256);
        else if (op === 1)
          bytes = concat(bytes.subarray(0, at), [randInt(rand, 256)], bytes.subarray(at));
        else bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1));
      }
      if (checkScanImpliesIntegrates(bytes)) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('findMissingDependency', () => {
  const stateFn = (doc: Y.Doc) => {
    const state = stateOf(doc);
    return (client: number) => state.get(client) ?? 0;
  };

  it('finds nothing missing in real incremental updates applied in order', () => {
    for (const [, build] of CONTENT_DOCS) {
      const { updates } = build();
      const board = new Y.Doc();
      for (const update of updates) {
        expect(findMissingDependency(scanUpdate(update), stateFn(board))).toBeNull();
        Y.applyUpdate(board, update);
      }
    }
  });

  it('reports an update whose predecessor from the same client was never applied', () => {
    const doc = newDoc(5);
    const updates = record(doc);
    doc.getText('t').insert(0, 'abc');
    doc.getText('t').insert(3, 'def');
    const board = new Y.Doc();
    expect(findMissingDependency(scanUpdate(updates[1]!), stateFn(board))).toBe(
      'client 5 starts at clock 3, the board has 0',
    );
    // Yjs agrees: it would park the update as pending.
    Y.applyUpdate(board, updates[1]!);
    expect(hasPending(board)).toBe(true);
  });

  it("reports an item whose origin is another client's missing item", () => {
    const a = newDoc(1);
    a.getText('t').insert(0, 'abc');
    const b = newDoc(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const updates = record(b);
    b.getText('t').insert(2, 'X'); // between 1:1 and 1:2
    const scan = scanUpdate(updates[0]!);
    expect(scan.structs).toMatchObject([{ client: 2, start: 0, end: 1 }]);
    expect(findMissingDependency(scan, () => 0)).toBe(
      'item 2:0 depends on 1:1, which the board lacks',
    );
    // A board holding only "ab" (1:0..1:1) has the origin but not the right origin 1:2.
    const partial = (client: number) => (client === 1 ? 2 : 0);
    expect(findMissingDependency(scan, partial)).toBe(
      'item 2:0 depends on 1:2, which the board lacks',
    );
    expect(findMissingDependency(scan, stateFn(a))).toBeNull();
  });

  it("reports an item whose parent is another client's missing type", () => {
    const a = newDoc(1);
    const map = new Y.Map();
    a.getArray('arr').insert(0, [map]);
    const b = newDoc(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const updates = record(b);
    (b.getArray('arr').get(0) as Y.Map<unknown>).set('k', 'v');
    const scan = scanUpdate(updates[0]!);
    expect(findMissingDependency(scan, () => 0)).toBe(
      'item 2:0 depends on 1:0, which the board lacks',
    );
    expect(findMissingDependency(scan, stateFn(a))).toBeNull();
  });

  it('reports a delete range reaching past the clocks the board knows', () => {
    const a = newDoc(1);
    a.getText('t').insert(0, 'abcdef');
    const b = newDoc(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const updates = record(b);
    b.getText('t').delete(2, 3); // 1:2..1:4
    const scan = scanUpdate(updates[0]!);
    expect(scan.deletes).toEqual([{ client: 1, clock: 2, len: 3 }]);
    expect(findMissingDependency(scan, () => 0)).toBe(
      'deletion of 1:2+3 reaches past what the board has',
    );
    expect(findMissingDependency(scan, (c) => (c === 1 ? 4 : 0))).toMatch(/deletion of 1:2\+3/);
    expect(findMissingDependency(scan, (c) => (c === 1 ? 5 : 0))).toBeNull();
    expect(findMissingDependency(scan, stateFn(a))).toBeNull();
  });

  it('finds nothing missing when the dependency is in the same update', () => {
    const a = newDoc(1);
    const aUpdates = record(a);
    a.getText('t').insert(0, 'abcdef');
    const b = newDoc(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const bUpdates = record(b);
    b.getText('t').insert(3, 'X');
    b.getText('t').delete(0, 2);
    const merged = Y.mergeUpdates([...aUpdates, ...bUpdates]);
    const scan = scanUpdate(merged);
    expect(scan.dependencies.some((d) => d.client === 1 && d.fromClient === 2)).toBe(true);
    expect(findMissingDependency(scan, () => 0)).toBeNull();
    expect(findMissingDependency(scanUpdate(Y.encodeStateAsUpdate(b)), () => 0)).toBeNull();
    expect(hasPending(applyFresh(merged))).toBe(false);
  });

  it('reports dependencies that go round in a circle (Yjs would leave them pending)', () => {
    const cyclic = craft([
      {
        client: 1,
        clock: 0,
        structs: [
          rootItem(REF.STRING, content.string('a')),
          itemAfter(REF.STRING, 2, 0, content.string('b')), // 1:1 after 2:0
        ],
      },
      { client: 2, clock: 0, structs: [itemAfter(REF.STRING, 1, 1, content.string('c'))] }, // 2:0 after 1:1
    ]);
    const scan = scanUpdate(cyclic);
    expect(findMissingDependency(scan, () => 0)).toMatch(/depends on it in turn/);
    expect(hasPending(applyFresh(cyclic))).toBe(true);
    // Through a third client and a later struct of the first: 1:1 -> 3:0 -> 2:0 -> 1:2 (after 1:1).
    const longer = craft([
      {
        client: 1,
        clock: 0,
        structs: [
          rootItem(REF.STRING, content.string('a')),
          itemAfter(REF.STRING, 3, 0, content.string('b')),
          itemAfter(REF.STRING, 1, 1, content.string('c')),
        ],
      },
      { client: 2, clock: 0, structs: [itemAfter(REF.STRING, 1, 2, content.string('d'))] },
      { client: 3, clock: 0, structs: [itemAfter(REF.STRING, 2, 0, content.string('e'))] },
    ]);
    expect(findMissingDependency(scanUpdate(longer), () => 0)).toMatch(/depends on it in turn/);
    expect(hasPending(applyFresh(longer))).toBe(true);
    // Dependencies both ways that do not form a circle are fine: 1:1 after 2:0, 2:1 after 1:0.
    const crossed = craft([
      {
        client: 1,
        clock: 0,
        structs: [
          rootItem(REF.STRING, content.string('a')),
          itemAfter(REF.STRING, 2, 0, content.string('b')),
        ],
      },
      {
        client: 2,
        clock: 0,
        structs: [
          rootItem(REF.STRING, content.string('c')),
          itemAfter(REF.STRING, 1, 0, content.string('d')),
        ],
      },
    ]);
    expectAcceptedAndIntegrated(crossed);
    // A circle through content the board already has is no circle.
    expect(findMissingDependency(scan, (client) => (client === 2 ? 1 : 0))).toBeNull();
  });

  it('finds nothing missing in an update that overlaps what the board has', () => {
    const doc = newDoc(5);
    doc.getText('t').insert(0, 'abc');
    const early = Y.encodeStateAsUpdate(doc);
    doc.getText('t').insert(3, 'def');
    const board = new Y.Doc();
    Y.applyUpdate(board, early);
    const scan = scanUpdate(Y.encodeStateAsUpdate(doc)); // starts at 0, the board has 3
    expect(findMissingDependency(scan, stateFn(board))).toBeNull();
  });
});

describe('scanStateVector', () => {
  it('decodes real state vectors exactly as Yjs does', () => {
    expect(scanStateVector(Y.encodeStateVector(new Y.Doc()))).toEqual(new Map());
    for (const [, build] of CONTENT_DOCS) {
      const sv = Y.encodeStateVector(build().doc);
      expect(scanStateVector(sv)).toEqual(Y.decodeStateVector(sv));
    }
  });

  it('refuses truncations, trailing bytes, duplicates and huge clocks', () => {
    const sv = Y.encodeStateVector(buildManyClients(4, 3).doc);
    for (let length = 0; length < sv.length; length++) {
      expect(() => scanStateVector(sv.subarray(0, length))).toThrow(BinaryFormatError);
    }
    expect(() => scanStateVector(concat(sv, [0]))).toThrow(/trailing/);
    expect(() => scanStateVector(Uint8Array.from([2, 7, 1, 7, 2]))).toThrow(
      /client 7 appears twice/,
    );
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 7);
    encoding.writeVarUint(e, MAX_CLOCK + 1);
    expect(() => scanStateVector(encoding.toUint8Array(e))).toThrow(/out of range/);
  });
});

describe('scanAwarenessUpdate', () => {
  const encodeEntries = (entries: [number, number, string | number[]][]): Uint8Array => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, entries.length);
    for (const [clientID, clock, state] of entries) {
      encoding.writeVarUint(e, clientID);
      encoding.writeVarUint(e, clock);
      if (typeof state === 'string') encoding.writeVarString(e, state);
      else encoding.writeVarUint8Array(e, Uint8Array.from(state));
    }
    return encoding.toUint8Array(e);
  };

  const realAwareness = () => {
    const docs = [newDoc(1), newDoc(2), newDoc(3)];
    const hub = new Awareness(newDoc(99));
    hub.setLocalState(null);
    const peers = docs.map((doc) => new Awareness(doc));
    peers[0]!.setLocalState({ user: { name: 'Ada', color: '#f00' }, cursor: { x: 1.5, y: -2 } });
    peers[1]!.setLocalState({ user: { name: 'Grace 🚀' }, selection: null });
    peers[2]!.setLocalState({});
    for (const peer of peers) {
      applyAwarenessUpdate(hub, encodeAwarenessUpdate(peer, [peer.clientID]), 'test');
    }
    return { hub, peers };
  };

  it('decodes real y-protocols awareness updates', () => {
    const { hub, peers } = realAwareness();
    try {
      const ids = [1, 2, 3];
      const entries = scanAwarenessUpdate(encodeAwarenessUpdate(hub, ids));
      expect(entries).toEqual(
        ids.map((id) => ({
          clientID: id,
          clock: hub.meta.get(id)!.clock,
          state: hub.getStates().get(id),
        })),
      );
      // A removal encodes the state as null.
      removeAwarenessStates(hub, [2], 'test');
      const removal = scanAwarenessUpdate(encodeAwarenessUpdate(hub, [2]));
      expect(removal).toEqual([{ clientID: 2, clock: hub.meta.get(2)!.clock, state: null }]);
    } finally {
      hub.destroy();
      for (const peer of peers) peer.destroy();
    }
  });

  it('refuses states that are not JSON objects or null', () => {
    for (const state of ['5', '[1]', '"text"', 'true', '{', '', 'undefined']) {
      expect(() => scanAwarenessUpdate(encodeEntries([[1, 1, state]]))).toThrow(BinaryFormatError);
    }
    expect(() => scanAwarenessUpdate(encodeEntries([[1, 1, '5']]))).toThrow(/object or null/);
    expect(() => scanAwarenessUpdate(encodeEntries([[1, 1, '{']]))).toThrow(/not valid JSON/);
    expect(() => scanAwarenessUpdate(encodeEntries([[1, 1, [0x7b, 0xff, 0x7d]]]))).toThrow(/UTF-8/);
    expect(scanAwarenessUpdate(encodeEntries([[1, 1, '{"a":[1]}']]))).toEqual([
      { clientID: 1, clock: 1, state: { a: [1] } },
    ]);
  });

  it('refuses truncations, trailing bytes and duplicated client ids', () => {
    const { hub, peers } = realAwareness();
    try {
      const update = encodeAwarenessUpdate(hub, [1, 2, 3]);
      for (let length = 0; length < update.length; length++) {
        expect(() => scanAwarenessUpdate(update.subarray(0, length))).toThrow(BinaryFormatError);
      }
      expect(() => scanAwarenessUpdate(concat(update, [0]))).toThrow(/trailing/);
    } finally {
      hub.destroy();
      for (const peer of peers) peer.destroy();
    }
    expect(() =>
      scanAwarenessUpdate(
        encodeEntries([
          [4, 1, '{}'],
          [4, 2, 'null'],
        ]),
      ),
    ).toThrow(/awareness client 4 appears twice/);
    expect(() => scanAwarenessUpdate(Uint8Array.from([0xff, 0xff, 0x03, 1, 1]))).toThrow(
      /awareness entry count claims/,
    );
  });
});
