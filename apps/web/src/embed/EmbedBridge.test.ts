import { EMBED_FRAME_SOURCE, EMBED_HOST_SOURCE, type EmbedStatus } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import {
  EmbedBridge,
  type EmbedHandlers,
  type FrameWindowLike,
  isFramed,
  isHttpOrigin,
  knownParentOrigin,
  type MessageEventLike,
} from './EmbedBridge.js';

const HOST = 'https://wiki.example';

interface Posted {
  message: Record<string, unknown>;
  targetOrigin: string;
}

/** A fake parent window that records what it is sent. */
class FakeParent {
  readonly posted: Posted[] = [];
  postMessage(message: unknown, targetOrigin: string): void {
    if (targetOrigin === '*') throw new Error('posted to *');
    // What a browser does: structured clone, delivered only if the origin matches.
    this.posted.push({
      message: structuredClone(message) as Record<string, unknown>,
      targetOrigin,
    });
  }
  /** Messages actually delivered to a page on `origin`. */
  deliveredTo(origin: string): Record<string, unknown>[] {
    return this.posted.filter((p) => p.targetOrigin === origin).map((p) => p.message);
  }
  types(origin = HOST): string[] {
    return this.deliveredTo(origin).map((m) => m.type as string);
  }
}

/** A fake iframe window: a parent, optional ancestorOrigins, message listeners. */
function frame(options: { ancestorOrigins?: string[] } = {}) {
  const parent = new FakeParent();
  const listeners = new Set<(event: MessageEventLike) => void>();
  const win: FrameWindowLike = {
    parent,
    location: options.ancestorOrigins ? { ancestorOrigins: options.ancestorOrigins } : {},
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  const dispatch = (event: MessageEventLike) => {
    for (const listener of [...listeners]) listener(event);
  };
  return { win, parent, listeners, dispatch };
}

/** A hand-driven clock and timers. */
function clock() {
  const state = { now: 1000 };
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => state.now,
    schedule: (fn: () => void, ms: number) => {
      const timer = { at: state.now + ms, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance(ms: number) {
      state.now += ms;
      for (const timer of [...timers].sort((a, b) => a.at - b.at)) {
        if (timer.at > state.now) continue;
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
    },
    pending: () => timers.length,
  };
}

function handlers(overrides: Partial<EmbedHandlers> = {}) {
  const calls: string[] = [];
  const board = { shapes: 0, name: 'Untitled' };
  const value: EmbedHandlers = {
    zoomToFit: () => {
      calls.push('zoomToFit');
    },
    setTheme: (theme) => {
      calls.push(`setTheme:${theme}`);
    },
    exportPng: async () => {
      calls.push('exportPng');
      return new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    },
    describe: () => ({ ...board }),
    ...overrides,
  };
  return { handlers: value, calls, board };
}

const command = (id: number, type: string, extra: Record<string, unknown> = {}) => ({
  source: EMBED_HOST_SOURCE,
  id,
  type,
  ...extra,
});

/** Lets queued promise callbacks (command handlers) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const STATUS: EmbedStatus = { connection: 'live', unsaved: 0, saved: true, role: 'editor' };

describe('EmbedBridge: the parent origin', () => {
  it('takes the origin from ancestorOrigins first, then the referrer', () => {
    expect(
      knownParentOrigin(frame({ ancestorOrigins: [HOST] }).win, 'https://other.example/x'),
    ).toBe(HOST);
    expect(knownParentOrigin(frame().win, 'https://wiki.example/page?q=1#x')).toBe(HOST);
    expect(knownParentOrigin(frame({ ancestorOrigins: [] }).win, `${HOST}/`)).toBe(HOST);
    // An opaque parent ("null", e.g. a sandboxed frame) cannot be posted to without '*'.
    expect(knownParentOrigin(frame({ ancestorOrigins: ['null'] }).win, '')).toBeNull();
    expect(knownParentOrigin(frame().win, '')).toBeNull();
    expect(knownParentOrigin(frame().win, 'not a url')).toBeNull();
    expect(knownParentOrigin(frame().win, 'file:///tmp/page.html')).toBeNull();
  });

  it('knows what an http(s) origin is', () => {
    expect(isHttpOrigin('https://a.example')).toBe(true);
    expect(isHttpOrigin('http://127.0.0.1:3000')).toBe(true);
    expect(isHttpOrigin('https://a.example/')).toBe(false);
    expect(isHttpOrigin('null')).toBe(false);
    expect(isHttpOrigin('*')).toBe(false);
    expect(isHttpOrigin('javascript:alert(1)')).toBe(false);
    expect(isHttpOrigin(undefined)).toBe(false);
  });

  it('tells a framed window from a top-level one', () => {
    const top: { parent: unknown } = { parent: null };
    top.parent = top;
    expect(isFramed(top)).toBe(false);
    expect(isFramed({ parent: {} })).toBe(true);
  });

  it('posts only to the known origin, never *', async () => {
    const { win, parent } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    expect(bridge.parentOrigin).toBe(HOST);
    bridge.status(STATUS);
    bridge.ready({ boardId: 'b1', readonly: false }, handlers().handlers);
    expect(parent.posted.every((p) => p.targetOrigin === HOST)).toBe(true);
    expect(parent.deliveredTo(HOST)).toEqual([
      { source: EMBED_FRAME_SOURCE, type: 'status', ...STATUS },
      { source: EMBED_FRAME_SOURCE, type: 'ready', version: 1, boardId: 'b1', readonly: false },
    ]);
  });

  it('reads commands only from the parent window and the parent origin', async () => {
    const { win, parent, dispatch } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    const h = handlers();
    bridge.ready({ boardId: 'b1', readonly: false }, h.handlers);
    const otherWindow = new FakeParent();
    // Right origin, wrong window (e.g. a sibling frame or a popup of the same site).
    dispatch({ source: otherWindow, origin: HOST, data: command(1, 'zoomToFit') });
    // Right window, wrong origin (the parent navigated elsewhere).
    dispatch({ source: parent, origin: 'https://evil.example', data: command(2, 'zoomToFit') });
    // Right window and origin, invalid message.
    dispatch({ source: parent, origin: HOST, data: command(3, 'deleteEverything') });
    dispatch({ source: parent, origin: HOST, data: { ...command(4, 'setTheme'), theme: 'neon' } });
    dispatch({ source: parent, origin: HOST, data: { id: 5, type: 'zoomToFit' } });
    dispatch({ source: parent, origin: HOST, data: 'zoomToFit' });
    await settle();
    expect(h.calls).toEqual([]);
    expect(parent.types()).toEqual(['ready']);

    dispatch({ source: parent, origin: HOST, data: command(6, 'zoomToFit') });
    dispatch({ source: parent, origin: HOST, data: command(7, 'setTheme', { theme: 'dark' }) });
    await settle();
    expect(h.calls).toEqual(['zoomToFit', 'setTheme:dark']);
    expect(parent.deliveredTo(HOST).slice(1)).toEqual([
      { source: EMBED_FRAME_SOURCE, type: 'result', id: 6, ok: true },
      { source: EMBED_FRAME_SOURCE, type: 'result', id: 7, ok: true },
    ]);
  });

  it('without ancestorOrigins or referrer, the first valid command from the parent fixes the origin', async () => {
    const { win, parent, dispatch } = frame();
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    expect(bridge.parentOrigin).toBeNull();
    const h = handlers();
    bridge.status(STATUS);
    bridge.ready({ boardId: 'b1', readonly: true }, h.handlers);
    // Nothing can be posted yet: there is no origin to post to.
    expect(parent.posted).toEqual([]);

    // Not from the parent, an opaque origin, or not a command: none of them fixes anything.
    dispatch({
      source: new FakeParent(),
      origin: 'https://evil.example',
      data: command(1, 'zoomToFit'),
    });
    dispatch({ source: parent, origin: 'null', data: command(2, 'zoomToFit') });
    dispatch({ source: parent, origin: 'https://evil.example', data: { hello: 'world' } });
    expect(bridge.parentOrigin).toBeNull();
    await settle();
    expect(h.calls).toEqual([]);

    dispatch({ source: parent, origin: HOST, data: command(3, 'zoomToFit') });
    expect(bridge.parentOrigin).toBe(HOST);
    await settle();
    // The queued events went out first, in order, then the answer.
    expect(parent.types()).toEqual(['status', 'ready', 'result']);
    expect(parent.posted.every((p) => p.targetOrigin === HOST)).toBe(true);

    // Fixed: the same parent window on another origin is not listened to any more.
    dispatch({ source: parent, origin: 'https://evil.example', data: command(4, 'zoomToFit') });
    await settle();
    expect(h.calls).toEqual(['zoomToFit']);
    expect(bridge.parentOrigin).toBe(HOST);
  });

  it('falls back to the referrer when ancestorOrigins is missing', async () => {
    const { win, parent, dispatch } = frame();
    const bridge = new EmbedBridge({ window: win, referrer: `${HOST}/docs/page` });
    expect(bridge.parentOrigin).toBe(HOST);
    const h = handlers();
    bridge.ready({ boardId: 'b1', readonly: false }, h.handlers);
    dispatch({ source: parent, origin: 'https://evil.example', data: command(1, 'zoomToFit') });
    await settle();
    expect(h.calls).toEqual([]);
    expect(parent.types()).toEqual(['ready']);
  });
});

describe('EmbedBridge: commands and events', () => {
  it('answers commands sent before ready once the board is shown', async () => {
    const { win, parent, dispatch } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    dispatch({ source: parent, origin: HOST, data: command(1, 'zoomToFit') });
    dispatch({ source: parent, origin: HOST, data: command(2, 'exportPng') });
    await settle();
    expect(parent.posted).toEqual([]);
    const h = handlers();
    bridge.ready({ boardId: 'b1', readonly: false }, h.handlers);
    await settle();
    expect(h.calls).toEqual(['zoomToFit', 'exportPng']);
    const [ready, first, second] = parent.deliveredTo(HOST);
    expect(ready).toMatchObject({ type: 'ready', boardId: 'b1' });
    expect(first).toEqual({ source: EMBED_FRAME_SOURCE, type: 'result', id: 1, ok: true });
    expect(second).toMatchObject({ type: 'result', id: 2, ok: true });
    expect(second!.value).toBeInstanceOf(Blob);
    expect((second!.value as Blob).type).toBe('image/png');
    // Ready is sent once; a later call (the board reopened) only swaps the handlers.
    const reopened = handlers();
    bridge.ready({ boardId: 'b1', readonly: false }, reopened.handlers);
    expect(parent.types().filter((t) => t === 'ready')).toHaveLength(1);
    dispatch({ source: parent, origin: HOST, data: command(3, 'zoomToFit') });
    await settle();
    expect(reopened.calls).toEqual(['zoomToFit']);
    expect(h.calls).toEqual(['zoomToFit', 'exportPng']);
  });

  it('answers a failing command with ok: false and an error', async () => {
    const { win, parent, dispatch } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    bridge.ready(
      { boardId: 'b1', readonly: false },
      handlers({
        exportPng: () => Promise.reject(new Error('canvas too large')),
      }).handlers,
    );
    dispatch({ source: parent, origin: HOST, data: command(9, 'exportPng') });
    await settle();
    expect(parent.deliveredTo(HOST).at(-1)).toEqual({
      source: EMBED_FRAME_SOURCE,
      type: 'result',
      id: 9,
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: 'canvas too large' },
    });
  });

  it('reports a failed board as error, and fails waiting and later commands with it', async () => {
    const { win, parent, dispatch } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    dispatch({ source: parent, origin: HOST, data: command(1, 'exportPng') });
    const expired = { code: 'TOKEN_EXPIRED' as const, message: 'the link has expired' };
    bridge.fail(expired);
    dispatch({ source: parent, origin: HOST, data: command(2, 'zoomToFit') });
    await settle();
    expect(parent.deliveredTo(HOST)).toEqual([
      { source: EMBED_FRAME_SOURCE, type: 'error', error: expired },
      { source: EMBED_FRAME_SOURCE, type: 'result', id: 1, ok: false, error: expired },
      { source: EMBED_FRAME_SOURCE, type: 'result', id: 2, ok: false, error: expired },
    ]);
    // A failed board is never announced as ready.
    bridge.ready({ boardId: 'b1', readonly: false }, handlers().handlers);
    expect(parent.types()).not.toContain('ready');
  });

  it('sends status only when it changes', () => {
    const { win, parent } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    bridge.status({ connection: 'connecting', unsaved: 0, saved: true, role: null });
    bridge.status({ connection: 'connecting', unsaved: 0, saved: true, role: null });
    bridge.status(STATUS);
    bridge.status({ ...STATUS, unsaved: 1, saved: false });
    bridge.status({ ...STATUS, unsaved: 1, saved: false });
    expect(parent.deliveredTo(HOST).map((m) => [m.connection, m.unsaved, m.role])).toEqual([
      ['connecting', 0, null],
      ['live', 0, 'editor'],
      ['live', 1, 'editor'],
    ]);
  });

  it('throttles change events and always sends the latest state', () => {
    const { win, parent } = frame({ ancestorOrigins: [HOST] });
    const time = clock();
    const bridge = new EmbedBridge({
      window: win,
      referrer: '',
      now: time.now,
      schedule: time.schedule,
      changeIntervalMs: 200,
    });
    const h = handlers();
    // Changes before ready are not reported (the host has not seen the board yet).
    bridge.boardChanged();
    expect(parent.types()).toEqual([]);
    bridge.ready({ boardId: 'b1', readonly: false }, h.handlers);

    h.board.shapes = 1;
    bridge.boardChanged();
    const changes = () => parent.deliveredTo(HOST).filter((m) => m.type === 'change');
    expect(changes()).toEqual([
      { source: EMBED_FRAME_SOURCE, type: 'change', shapes: 1, name: 'Untitled' },
    ]);
    for (let i = 2; i <= 10; i++) {
      h.board.shapes = i;
      bridge.boardChanged();
      time.advance(10);
    }
    expect(changes()).toHaveLength(1);
    expect(time.pending()).toBe(1);
    h.board.name = 'Plans';
    time.advance(200);
    expect(changes()).toHaveLength(2);
    expect(changes()[1]).toMatchObject({ shapes: 10, name: 'Plans' });
    expect(time.pending()).toBe(0);
  });

  it('keeps the queue bounded while the origin is unknown, dropping stale status first', () => {
    const { win, parent, dispatch } = frame();
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    bridge.ready({ boardId: 'b1', readonly: false }, handlers().handlers);
    for (let i = 0; i < 100; i++) bridge.status({ ...STATUS, unsaved: i, saved: i === 0 });
    dispatch({ source: parent, origin: HOST, data: command(1, 'zoomToFit') });
    const delivered = parent.deliveredTo(HOST);
    expect(delivered[0]).toMatchObject({ type: 'ready' });
    const statuses = delivered.filter((m) => m.type === 'status');
    expect(statuses.length).toBeLessThanOrEqual(32);
    expect(statuses.at(-1)).toMatchObject({ unsaved: 99 });
  });

  it('stops listening when destroyed', async () => {
    const { win, parent, listeners, dispatch } = frame({ ancestorOrigins: [HOST] });
    const bridge = new EmbedBridge({ window: win, referrer: '' });
    const h = handlers();
    bridge.ready({ boardId: 'b1', readonly: false }, h.handlers);
    expect(listeners.size).toBe(1);
    bridge.destroy();
    expect(listeners.size).toBe(0);
    dispatch({ source: parent, origin: HOST, data: command(1, 'zoomToFit') });
    bridge.status(STATUS);
    await settle();
    expect(h.calls).toEqual([]);
    expect(parent.types()).toEqual(['ready']);
  });
});
