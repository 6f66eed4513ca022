/**
 * Node's EventEmitter keeps an emitter's listeners in `_events`, an object made with a null
 * prototype. V8 makes such objects in dictionary mode: a hash table of about 420 bytes for the
 * three to eight events a connection's emitters carry. Every connection has four of them
 * (Socket.IO's socket, Engine.IO's socket and WebSocket transport, and ws's WebSocket), about
 * 1.2 KB of an idle connection's memory.
 *
 * `compactListeners` moves an emitter's listeners, in the same order, into an ordinary object
 * whose prototype has no properties (so `events.toString` is still undefined, as EventEmitter
 * relies on). V8 keeps that object in fast mode, its layout shared by every connection that
 * registered the same events in the same order: about 100 bytes. EventEmitter reads and writes
 * `_events` as a plain object and replaces it when the last listener goes, so nothing else
 * changes; removing one of several listeners turns the table back into a dictionary, as it was.
 */
import { webSocketOf } from './engineTransport.js';

const TABLE_PROTOTYPE: object = Object.freeze(Object.create(null));

interface Emitter {
  _events?: Record<string | symbol, unknown>;
}

/** Compacts `emitter`'s listener table; leaves anything that is not an EventEmitter alone. */
export function compactListeners(emitter: unknown): void {
  const target = emitter as Emitter | null | undefined;
  const events = target?._events;
  if (typeof events !== 'object' || events === null) return;
  // Compacted already, or not EventEmitter's own kind of table.
  if (Object.getPrototypeOf(events) !== null) return;
  const table = Object.create(TABLE_PROTOTYPE) as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(events)) table[key] = events[key];
  target!._events = table;
}

/** An Engine.IO transport's table, and its ws WebSocket's when it is a WebSocket transport. */
export function compactTransportListeners(transport: unknown): void {
  compactListeners(transport);
  compactListeners(webSocketOf(transport));
}
