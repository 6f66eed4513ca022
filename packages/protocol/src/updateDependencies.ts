/**
 * Whether a scanned update can be integrated whole by a document: every struct continues its
 * client's clock, every dependency and deletion is on content the document has or the update
 * brings, and no dependencies go round in a circle. What Yjs would otherwise park as pending.
 */
import type { DeleteRange, Dependency, ScannedUpdate } from './yjsBinary.js';

/**
 * What the update needs that a document with `state` (client -> next clock) lacks, as a
 * message; null when the document can integrate the whole update now. `cycles: false` skips the
 * search for dependencies in a circle, for a caller that knows there are none (it ordered the
 * update's structs itself); the scan may then hold only each client's furthest dependency and
 * deletion (`furthestNeeds`).
 */
export function findMissingDependency(
  scan: ScannedUpdate,
  state: (client: number) => number,
  { cycles = true }: { cycles?: boolean } = {},
): string | null {
  const known = new Map<number, number>();
  const knownEnd = (client: number): number => known.get(client) ?? state(client);
  for (const range of scan.structs) {
    const have = state(range.client);
    if (range.start > have) {
      return `client ${range.client} starts at clock ${range.start}, the board has ${have}`;
    }
    known.set(range.client, Math.max(have, range.end));
  }
  for (const dep of scan.dependencies) {
    if (dep.clock >= knownEnd(dep.client)) {
      return `item ${dep.fromClient}:${dep.fromClock} depends on ${dep.client}:${dep.clock}, which the board lacks`;
    }
  }
  for (const del of scan.deletes) {
    if (del.clock + del.len > knownEnd(del.client)) {
      return `deletion of ${del.client}:${del.clock}+${del.len} reaches past what the board has`;
    }
  }
  return cycles ? findDependencyCycle(scan, state) : null;
}

/**
 * The scan with, per client, only its furthest dependency and furthest deletion: all that
 * `findMissingDependency` needs without `cycles` (one is missing exactly when the furthest is),
 * and a few objects instead of one per struct (a 10,000-shape update has 100,000).
 */
export function furthestNeeds(scan: ScannedUpdate): ScannedUpdate {
  const deps = new Map<number, Dependency>();
  for (const dep of scan.dependencies) {
    if (dep.clock >= (deps.get(dep.client)?.clock ?? -1)) deps.set(dep.client, dep);
  }
  const deletes = new Map<number, DeleteRange>();
  for (const del of scan.deletes) {
    const far = deletes.get(del.client);
    if (!far || del.clock + del.len > far.clock + far.len) deletes.set(del.client, del);
  }
  return { ...scan, dependencies: [...deps.values()], deletes: [...deletes.values()] };
}

interface ClientProgress {
  /** The client's dependencies on other clients, in clock order. */
  deps: Dependency[];
  /** Index of the first dependency not yet known to be satisfied. */
  next: number;
  /** On the stack below: waiting for `deps[next]`. */
  waiting: boolean;
}

/**
 * Yjs integrates each client's structs in clock order and, when one depends on another client's
 * struct of the same update, integrates that client first. Dependencies that go round in a circle
 * (a:1 after b:1, b:1 after a:2) cannot be met: Yjs parks such structs as pending. Finds one,
 * in O(dependencies) with an explicit stack; every other dependency is already known to be met.
 */
function findDependencyCycle(
  scan: ScannedUpdate,
  state: (client: number) => number,
): string | null {
  const clients = new Map<number, ClientProgress>();
  for (const range of scan.structs)
    clients.set(range.client, { deps: [], next: 0, waiting: false });
  for (const dep of scan.dependencies) {
    // Same-client dependencies point backwards (scanUpdate checks), and what the board had
    // before this update is there already.
    if (dep.client === dep.fromClient || dep.clock < state(dep.client)) continue;
    clients.get(dep.fromClient)?.deps.push(dep);
  }
  /** Client `client` must be integrated through `clock`: every dependency up to there met. */
  const stack: { client: number; clock: number }[] = [];
  for (const [first, progress] of clients) {
    if (progress.next === progress.deps.length) continue;
    stack.push({ client: first, clock: Number.POSITIVE_INFINITY });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const own = clients.get(top.client)!;
      const dep = own.deps[own.next];
      if (dep === undefined || dep.fromClock > top.clock) {
        own.waiting = false;
        stack.pop();
        continue;
      }
      const target = clients.get(dep.client)!;
      const pending = target.deps[target.next];
      if (pending === undefined || pending.fromClock > dep.clock) {
        own.next++; // met: every struct of the target up to dep.clock can be integrated
      } else if (target.waiting) {
        return `item ${dep.fromClient}:${dep.fromClock} depends on ${dep.client}:${dep.clock}, which depends on it in turn`;
      } else {
        own.waiting = true;
        stack.push({ client: dep.client, clock: dep.clock });
      }
    }
  }
  return null;
}
