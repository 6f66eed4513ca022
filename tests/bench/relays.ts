/**
 * The relays the bench compares, each started in this process on 127.0.0.1, port 0, fresh for
 * every run (so no board, buffer or timer of one run outlives it into the next).
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  boardRoom,
  type ClientToServerEvents,
  parser,
  Role,
  type ServerToClientEvents,
} from '@drawbridge/protocol';
import { Server } from 'socket.io';
import { WebSocket, WebSocketServer } from 'ws';
import { SqliteStorage } from '../../apps/server/src/storage/SqliteStorage.js';
import { dbFile, startServer, tempDir } from '../utils/server.js';
import type { RelayKind } from './ipc.js';

export interface CommitStats {
  commits: number;
  records: number;
  seconds: number;
}

export interface RunningRelay {
  url: string;
  /** Drawbridge only: SQLite group commits so far. */
  commits?: CommitStats;
  close(): Promise<void>;
}

export const RELAY_LABELS: Record<RelayKind, string> = {
  'raw-ws': 'raw ws',
  'sio-default': 'socket.io default parser',
  'sio-msgpack': 'socket.io msgpack parser',
  drawbridge: 'drawbridge',
};

/** `dirs` collects temp dirs so the orchestrator can remove them even after a crash. */
export function startRelay(kind: RelayKind, dirs: Set<string>): Promise<RunningRelay> {
  switch (kind) {
    case 'raw-ws':
      return startWsRelay();
    case 'sio-default':
      return startSocketIoRelay(false);
    case 'sio-msgpack':
      return startSocketIoRelay(true);
    case 'drawbridge':
      return startDrawbridge(dirs);
  }
}

/** The real server: default limits except the per-socket rate limit, which would cap the bench. */
async function startDrawbridge(dirs: Set<string>): Promise<RunningRelay> {
  const dataDir = tempDir('drawbridge-bench-');
  dirs.add(dataDir);
  const commits: CommitStats = { commits: 0, records: 0, seconds: 0 };
  const storage = new SqliteStorage({
    file: dbFile(dataDir),
    onCommit: ({ records, seconds }) => {
      commits.commits++;
      commits.records += records;
      commits.seconds += seconds;
    },
  });
  const server = await startServer({
    dataDir,
    storage,
    limits: { maxMessagesPerSecond: 1_000_000_000 },
  });
  return {
    url: server.url,
    commits,
    async close() {
      await server.destroy();
      dirs.delete(dataDir);
    },
  };
}

/**
 * A minimal Socket.IO relay: joins the room on `board:join`, relays each `doc:update` payload
 * to the rest of the room and acks at once. No Yjs, no validation, no storage.
 */
async function startSocketIoRelay(msgpack: boolean): Promise<RunningRelay> {
  const httpServer = createHttpServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    ...(msgpack ? { parser } : {}),
    serveClient: false,
  });
  const empty = new Uint8Array([0]);
  io.on('connection', (socket) => {
    socket.on('board:join', async ({ boardId }, ack) => {
      await socket.join(boardRoom(boardId));
      ack({ ok: true, role: Role.EDITOR, update: empty, stateVector: empty, awareness: empty });
    });
    socket.on('doc:update', ({ boardId, update }, ack) => {
      socket.to(boardRoom(boardId)).emit('doc:update', { boardId, update });
      ack({ ok: true });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve((httpServer.address() as AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    // Disconnects every socket and closes the HTTP server.
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/**
 * A minimal `ws` relay: every binary message goes to every other connected client, then a
 * one-byte text frame acks it to the sender (so the sender's window works as with Socket.IO).
 */
async function startWsRelay(): Promise<RunningRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      for (const client of wss.clients) {
        if (client !== ws && client.readyState === WebSocket.OPEN) {
          client.send(data as Buffer, { binary: isBinary });
        }
      }
      ws.send('a');
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
