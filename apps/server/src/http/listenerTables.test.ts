import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactListeners } from './listenerTables.js';

setFlagsFromString('--allow-natives-syntax');
// Compiled after the flag is set: V8 intrinsics parse only then.
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;
const tableOf = (emitter: EventEmitter) => (emitter as unknown as { _events: object })._events;

describe('compactListeners', () => {
  it('moves the listeners into a fast-mode table that EventEmitter goes on using', () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const kind = Symbol('kind');
    emitter.on('data', (x: string) => calls.push(`data ${x}`));
    emitter.on('data', (x: string) => calls.push(`data again ${x}`));
    emitter.once('close', () => calls.push('close'));
    emitter.on(kind, () => calls.push('symbol'));
    expect(hasFastProperties(tableOf(emitter))).toBe(false);

    compactListeners(emitter);
    const table = tableOf(emitter);
    expect(hasFastProperties(table)).toBe(true);
    expect(emitter.eventNames()).toEqual(['data', 'close', kind]);
    // Nothing inherited looks like a listener.
    expect(emitter.emit('toString')).toBe(false);
    expect(emitter.listenerCount('constructor')).toBe(0);

    emitter.emit('data', 1);
    emitter.emit(kind);
    emitter.on('later', () => calls.push('later'));
    emitter.emit('later');
    expect(hasFastProperties(tableOf(emitter))).toBe(true);
    emitter.emit('close');
    emitter.emit('close');
    expect(calls).toEqual(['data 1', 'data again 1', 'symbol', 'later', 'close']);
    expect(emitter.listenerCount('close')).toBe(0);

    // Compacting twice changes nothing; removing every listener leaves an empty emitter.
    compactListeners(emitter);
    emitter.removeAllListeners();
    expect(emitter.eventNames()).toEqual([]);
    emitter.on('data', () => calls.push('after'));
    emitter.emit('data');
    expect(calls.at(-1)).toBe('after');
  });

  it('leaves anything that is not an EventEmitter alone', () => {
    expect(() => compactListeners(null)).not.toThrow();
    expect(() => compactListeners({})).not.toThrow();
    const odd = { _events: { data: () => {} } };
    compactListeners(odd);
    expect(Object.getPrototypeOf(odd._events)).toBe(Object.prototype);
  });
});
