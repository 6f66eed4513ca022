import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Struct = Y.Item | Y.GC | Y.Skip;

/**
 * Splits a document's content into updates of at most about `maxStructs` structs each, in an
 * order where every update's dependencies are in it or in an earlier one, so applying them one
 * after the other never leaves anything pending. The last update carries the delete set.
 *
 * Why: applying a large board in one `Y.applyUpdate` holds the event loop for hundreds of
 * milliseconds; applied slice by slice, the server stays responsive while it loads. Yjs has no
 * API for a bounded causal range, so the slices are written the way Yjs writes its own updates
 * (per client: struct count, client, first clock, then each struct).
 */
export function sliceDocument(doc: Y.Doc, maxStructs: number): Uint8Array[] {
  const slices = sliceStructs(doc.store.clients as Map<number, Struct[]>, maxStructs);
  // The delete set: an update with no structs (everything is at or below the state vector).
  slices.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)));
  return slices;
}

/**
 * The same for one update, decoded but not integrated (a member's large update): the slices,
 * applied in order to a document that holds what the update depends on, integrate exactly the
 * update. Structs it depends on that it does not carry count as present. Null when the update
 * has gaps (Yjs `Skip` structs: a merge of updates, never one transaction), which slices cannot
 * keep apart.
 */
export function sliceUpdate(update: Uint8Array, maxStructs: number): Uint8Array[] | null {
  const { structs, ds } = Y.decodeUpdate(update);
  const clients = new Map<number, Struct[]>();
  for (const struct of structs) {
    if (struct instanceof Y.Skip) return null;
    const list = clients.get(struct.id.client);
    if (list) list.push(struct);
    else clients.set(struct.id.client, [struct]);
  }
  const slices = sliceStructs(clients, maxStructs);
  // The delete set: what remains of the update once every struct it carries is known.
  slices.push(deleteSetUpdate(ds));
  return slices;
}

/** What `decodeUpdate` reads of an update's delete set. */
interface DecodedDeleteSet {
  clients: Map<number, ReadonlyArray<{ clock: number; len: number }>>;
}

/**
 * An update of no structs and `ds`: byte for byte what Yjs writes for an update's deletions
 * alone (`Y.diffUpdate` against a state holding every struct of it), from the delete set already
 * decoded. Not `Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(update))`: a state vector read
 * from an update leaves out clients whose structs start past clock 0 (a member who edited before
 * pasting), so that diff kept all of their structs; it also read the whole update twice more
 * (1.9 s of a 14 MB paste's 5.5 s in the worker).
 */
export function deleteSetUpdate(ds: DecodedDeleteSet): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 0); // no structs
  encoding.writeVarUint(encoder.restEncoder, ds.clients.size);
  // In Yjs's own order (writeDeleteSet): clients by descending id, ranges as they were read.
  for (const [client, ranges] of [...ds.clients].sort((a, b) => b[0] - a[0])) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

/** The item `struct` is inside, integrated (a type's item) or as decoded (an id), or null. */
function parentId(struct: Y.Item): Y.ID | null {
  const parent: unknown = struct.parent;
  if (parent instanceof Y.AbstractType) return parent._item?.id ?? null;
  return parent instanceof Y.ID ? parent : null;
}

/** Runs of each client's structs (in clock order), in slices of about `maxStructs`. */
function sliceStructs(clients: Map<number, Struct[]>, maxStructs: number): Uint8Array[] {
  /** Index of the next struct of each client not yet placed in a slice. */
  const next = new Map<number, number>([...clients.keys()].map((client) => [client, 0]));
  const placedClock = (client: number) => {
    const structs = clients.get(client);
    const index = next.get(client) ?? 0;
    if (!structs || index >= structs.length) return Number.POSITIVE_INFINITY;
    return structs[index]!.id.clock;
  };
  /** True when the struct containing `id` is already placed (or unknown: nothing to wait for). */
  const placed = (id: Y.ID | null) => id === null || id.clock < placedClock(id.client);
  const ready = (struct: Struct) => {
    if (!(struct instanceof Y.Item)) return true;
    return placed(struct.origin) && placed(struct.rightOrigin) && placed(parentId(struct));
  };

  const slices: Uint8Array[] = [];
  let remaining = [...clients.values()].reduce((sum, structs) => sum + structs.length, 0);
  while (remaining > 0) {
    // One slice: per client, a run of structs whose dependencies are placed (in this slice
    // too: Yjs integrates an update's own structs in dependency order).
    const runs = new Map<number, [number, number]>();
    let size = 0;
    let progressed = true;
    while (progressed && size < maxStructs) {
      progressed = false;
      for (const [client, structs] of clients) {
        let index = next.get(client)!;
        const start = index;
        while (index < structs.length && size < maxStructs && ready(structs[index]!)) {
          index++;
          size++;
          next.set(client, index);
        }
        if (index > start) {
          progressed = true;
          const run = runs.get(client);
          runs.set(client, [run ? run[0] : start, index]);
        }
      }
    }
    if (size === 0) throw new Error('sliceDocument: a dependency cycle (corrupt document)');
    remaining -= size;
    slices.push(encodeRuns(clients, runs));
  }
  return slices;
}

function encodeRuns(
  clients: Map<number, Struct[]>,
  runs: Map<number, [number, number]>,
): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, runs.size);
  for (const [client, [start, end]] of runs) {
    const structs = clients.get(client)!;
    encoding.writeVarUint(encoder.restEncoder, end - start);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, structs[start]!.id.clock);
    for (let i = start; i < end; i++) structs[i]!.write(encoder, 0);
  }
  encoding.writeVarUint(encoder.restEncoder, 0); // no deletions in this slice
  return encoder.toUint8Array();
}
