import { ErrorCode, parser } from '@drawbridge/protocol';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';
import {
  connectRaw,
  joinRaw,
  type RawSocket,
  sendAwareness,
  sendUpdate,
} from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

const SECRET = 'integration-test-secret-0123456789abcdef';

describe('capability tokens', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  let sockets: RawSocket[] = [];
  afterEach(async () => {
    destroyAll(peers);
    for (const s of sockets) s.disconnect();
    peers = [];
    sockets = [];
    await server?.destroy();
  });

  async function setup(now: () => number = Date.now) {
    const tokens = new TokenService(SECRET, now);
    server = await startServer({ tokens });
    const raw = async () => {
      const socket = await connectRaw(server.url);
      sockets.push(socket);
      return socket;
    };
    return { tokens, raw };
  }

  it('enforces roles: a viewer cannot change the board but shows its cursor', async () => {
    const { tokens, raw } = await setup();
    const editorToken = (await tokens.mint({ board: 'doc', role: 'editor', ttlSeconds: 600 }))
      .token;
    const viewerToken = (await tokens.mint({ board: 'doc', role: 'viewer', ttlSeconds: 600 }))
      .token;
    const editor = connectPeer(server.url, 'doc', { token: editorToken });
    peers.push(editor);
    editor.doc.getMap('shapes').set('by-editor', { x: 1 });
    await whenSaved(editor);
    expect(editor.provider.state.role).toBe('editor');

    const viewer = await raw();
    const joined = await joinRaw(viewer, 'doc', undefined, viewerToken);
    expect(joined.ok && joined.role).toBe('viewer');
    const before = Y.encodeStateVector(server.server.rooms.get('doc')!.doc);
    const intruder = new Y.Doc();
    intruder.getMap('shapes').set('by-viewer', { x: 2 });
    const refused = await sendUpdate(viewer, 'doc', Y.encodeStateAsUpdate(intruder));
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(Y.encodeStateVector(server.server.rooms.get('doc')!.doc)).toEqual(before);

    const presence = new Awareness(new Y.Doc());
    presence.setLocalState({ user: { name: 'Viewer' }, cursor: { x: 5, y: 5 } });
    const shown = await sendAwareness(
      viewer,
      'doc',
      encodeAwarenessUpdate(presence, [presence.clientID]),
    );
    expect(shown.ok).toBe(true);
    await expect
      .poll(() => editor.provider.awareness.getStates().get(presence.clientID))
      .toMatchObject({ user: { name: 'Viewer' } });
    presence.destroy();

    // A board with deletions: the join answer repeats them; a viewer must not send them back.
    editor.doc.getMap('shapes').set('temporary', 1);
    editor.doc.getMap('shapes').delete('temporary');
    await whenSaved(editor);
    const reader = connectPeer(server.url, 'doc', { token: viewerToken });
    peers.push(reader);
    await reader.provider.when((s) => s.status === 'live');
    await expectConverged([editor.doc, reader.doc]);
    expect(reader.provider.state).toMatchObject({ role: 'viewer', unsaved: 0, error: null });
    expect(reader.doc.getMap('shapes').has('by-viewer')).toBe(false);
  });

  it('refuses missing, tampered, foreign, wrong-board and expired tokens with clear codes', async () => {
    let now = Date.now();
    const { tokens, raw } = await setup(() => now);
    const socket = await raw();
    const good = (await tokens.mint({ board: 'b', role: 'editor', ttlSeconds: 60 })).token;
    const other = (await tokens.mint({ board: 'other', role: 'editor', ttlSeconds: 60 })).token;
    const foreign = (
      await new TokenService(`${SECRET}-x`).mint({ board: 'b', role: 'editor', ttlSeconds: 60 })
    ).token;
    const [h, p, sig] = good.split('.');
    const tampered = `${h}.${p}x.${sig}`;
    const code = async (token?: string) => {
      const ack = await joinRaw(socket, 'b', undefined, token);
      return ack.ok ? 'ok' : ack.error.code;
    };
    expect(await code()).toBe(ErrorCode.UNAUTHORIZED);
    expect(await code(tampered)).toBe(ErrorCode.UNAUTHORIZED);
    expect(await code(foreign)).toBe(ErrorCode.UNAUTHORIZED);
    expect(await code(other)).toBe(ErrorCode.FORBIDDEN);
    expect(await code(good)).toBe('ok');
    now += 61_000;
    // The same token on a rejoin, now expired.
    expect(await code(good)).toBe(ErrorCode.TOKEN_EXPIRED);
    expect(server.server.rooms.get('other')).toBeUndefined();
  });

  it('accepts the token in the handshake auth, and all-boards tokens', async () => {
    const { tokens } = await setup();
    const all = (await tokens.mint({ board: '*', role: 'viewer', ttlSeconds: 60 })).token;
    const socket = io(server.url, {
      parser,
      transports: ['websocket'],
      forceNew: true,
      auth: { token: all },
    });
    try {
      const ack = await socket.timeout(5000).emitWithAck('board:join', {
        boardId: 'any-board',
        protocol: 1,
        stateVector: Y.encodeStateVector(new Y.Doc()),
      });
      expect(ack.ok && ack.role).toBe('viewer');
    } finally {
      socket.disconnect();
    }
  });

  it('a provider with an expired link fails for good instead of looping', async () => {
    let now = Date.now();
    const { tokens } = await setup(() => now);
    const token = (await tokens.mint({ board: 'exp', role: 'editor', ttlSeconds: 1 })).token;
    now += 5000;
    const peer = connectPeer(server.url, 'exp', { token });
    peers.push(peer);
    const state = await peer.provider.when((s) => s.status === 'failed');
    expect(state.error?.code).toBe(ErrorCode.TOKEN_EXPIRED);
  });
});
