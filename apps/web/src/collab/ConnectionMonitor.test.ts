import { BoardProvider, type ClientSocket } from '@drawbridge/client';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConnectionMonitor, type NetworkSignals } from './ConnectionMonitor.js';
import { UnsavedCarry } from './unsavedCarry.js';

/** Just enough of a Socket.IO socket for the provider to attach to, never connected. */
class FakeSocket {
  connected = false;
  active = true;
  readonly handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  disconnects = 0;
  connects = 0;
  on(event: string, fn: (...args: unknown[]) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: (...args: unknown[]) => void) {
    this.handlers.get(event)?.delete(fn);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  disconnect() {
    this.disconnects++;
    this.active = false;
  }
  connect() {
    this.connects++;
    this.active = true;
  }
  /** Acked requests: answered by `answer`, as the server would. */
  answer: (event: string, payload: unknown) => unknown = () => ({ ok: true });
  readonly requests: { event: string; payload: unknown }[] = [];
  timeout() {
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        this.requests.push({ event, payload });
        return this.answer(event, payload);
      },
    };
  }
}

class FakeNet implements NetworkSignals {
  navigator = { onLine: true };
  readonly listeners = new Map<string, () => void>();
  addEventListener(type: string, fn: () => void) {
    this.listeners.set(type, fn);
  }
  removeEventListener(type: string) {
    this.listeners.delete(type);
  }
  fire(type: 'online' | 'offline') {
    this.navigator.onLine = type === 'online';
    this.listeners.get(type)?.();
  }
}

function setup() {
  const socket = new FakeSocket();
  const doc = new Y.Doc();
  const provider = new BoardProvider({
    boardId: 'b',
    doc,
    socket: socket as unknown as ClientSocket,
  });
  const net = new FakeNet();
  const monitor = new ConnectionMonitor(provider, new UnsavedCarry('b', null), net);
  return { socket, doc, provider, net, monitor };
}

describe('ConnectionMonitor', () => {
  it('shows a failed first connection as offline, not connecting forever', () => {
    const { socket, monitor } = setup();
    expect(monitor.view.status).toBe('connecting');
    socket.emit('connect_error', new Error('refused'));
    expect(monitor.view.status).toBe('offline');
  });

  it('counts local edits as unsaved', () => {
    const { doc, monitor } = setup();
    doc.getMap('meta').set('name', 'x');
    expect(monitor.view.unsaved).toBe(1);
  });

  it('shows a viewer nothing unsaved: a viewer offers the server nothing on join', async () => {
    const { socket, provider, monitor } = setup();
    // The server's board has deletions (an overwritten key): every join echoes its delete set.
    const server = new Y.Doc();
    server.getMap('meta').set('name', 'first');
    server.getMap('meta').set('name', 'second');
    socket.answer = (event, payload) => {
      if (event === 'board:join') {
        const { stateVector } = payload as { stateVector: Uint8Array };
        return {
          ok: true,
          role: 'viewer',
          update: Y.encodeStateAsUpdate(server, stateVector),
          awareness: new Uint8Array([0]),
          stateVector: Y.encodeStateVector(server),
        };
      }
      return {
        ok: false,
        error: { code: 'FORBIDDEN', message: 'viewers cannot change the board' },
      };
    };
    socket.connected = true;
    socket.emit('connect');
    await provider.when((state) => state.status === 'live');
    expect(provider.state).toMatchObject({ role: 'viewer', unsaved: 0, error: null });
    expect(socket.requests.map((r) => r.event)).toEqual(['board:join']);
    expect(monitor.view).toMatchObject({ status: 'live', unsaved: 0 });
  });

  it('drops the connection when the browser goes offline and reconnects when back', () => {
    const { socket, net, monitor } = setup();
    net.fire('offline');
    expect(socket.disconnects).toBe(1);
    expect(monitor.view.status).toBe('offline');
    net.fire('online');
    expect(socket.connects).toBe(1);
    expect(monitor.view.status).toBe('connecting');
  });
});
