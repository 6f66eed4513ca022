import type { ClientToServerEvents, ServerToClientEvents } from '@drawbridge/protocol';
import type { Socket } from 'socket.io-client';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface BoardProviderOptions {
  boardId: string;
  doc: Y.Doc;
  /** Server URL; omit to use the page's origin. Ignored when `socket` is given. */
  url?: string;
  /** Share one socket between providers (one socket may join several boards). */
  socket?: ClientSocket;
  awareness?: Awareness;
  token?: string;
  ackTimeoutMs?: number;
  /** Socket.IO transports; default websocket first, then long-polling when WebSocket fails. */
  transports?: ('websocket' | 'polling')[];
  /**
   * Origins of updates that are not new local edits (e.g. the IndexedDB persistence loading a
   * stored copy): sent like any other when live, but not counted as unsaved changes.
   */
  untrackedOrigins?: unknown[];
  /** Reconnect backoff (Socket.IO's jittered exponential backoff). */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /**
   * Awaited in every join (the first and each rejoin), after the server's answer is applied and
   * before the local changes it lacks are sent: work that must reach the server before the
   * changes that depend on it, such as uploading images added offline before the shapes that
   * show them. A failure does not stop the join. Bound its duration yourself.
   */
  beforeJoin?: () => Promise<void>;
}
