import { type DeleteRange, scanUpdate, skipFreeParts } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { covered, type DeletedRanges, deletedRanges } from '../../rooms/addsNothing.js';

/** What a client was told is stored: structs (as clock ranges) and deletions. */
export interface Claim {
  structs: DeleteRange[];
  deletes: DeleteRange[];
}

/** The structs and deletions `update` carries, as a claim. */
export function claimOf(update: Uint8Array): Claim {
  const scan = scanUpdate(update);
  return {
    structs: scan.structs.map(({ client, start, end }) => ({
      client,
      clock: start,
      len: end - start,
    })),
    deletes: scan.deletes,
  };
}

/**
 * Checks, at the moment a client is told content is stored (an ack, a join answered without
 * `unstored`), that the stored records hold it. A wrong claim loses content only when the node
 * that holds it dies before storing it and the client, believing it saved, never resends it: an
 * order the fuzz seldom builds. Checked when made, a wrong claim shows every time.
 */
export class StoredClaims {
  checked = 0;
  readonly wrong: string[] = [];

  /**
   * `read`: the stored parts now, synchronously. `trusted`: false once storage may lack what it
   * stored (a damaged record), when no claim can be checked.
   */
  constructor(
    private readonly read: () => Uint8Array[],
    private readonly trusted: () => boolean,
  ) {}

  check(who: string, claim: Claim): void {
    if (!this.trusted()) return;
    this.checked++;
    const structs: DeleteRange[] = [];
    const deletes: DeleteRange[] = [];
    // Deletions a record states, and those no record states: an item added to a map or shape
    // that another record deleted is deleted where it is applied (so a client's delete set
    // holds it), and by the stored board when it is rebuilt.
    const rebuilt = new Y.Doc();
    for (const record of this.read()) {
      for (const part of skipFreeParts(record)) {
        const held = claimOf(part);
        structs.push(...held.structs);
        deletes.push(...held.deletes);
        Y.applyUpdate(rebuilt, part);
      }
    }
    for (const [client, items] of Y.createDeleteSetFromStructStore(rebuilt.store).clients) {
      for (const { clock, len } of items) deletes.push({ client, clock, len });
    }
    const missing = (held: DeletedRanges, ranges: DeleteRange[]) =>
      ranges.filter((range) => !covered(held, range));
    const lacking = [
      ...missing(deletedRanges(structs), claim.structs).map((r) => `structs ${fmt(r)}`),
      ...missing(deletedRanges(deletes), claim.deletes).map((r) => `deletion ${fmt(r)}`),
    ];
    if (lacking.length > 0) this.wrong.push(`${who}: storage lacks ${lacking.join(', ')}`);
  }
}

const fmt = ({ client, clock, len }: DeleteRange) => `${client}:${clock}+${len}`;
