import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '@drawbridge/protocol';
import {
  type Storage as BoardStorage,
  type CreateServerOptions,
  createServer,
  type DrawbridgeHttpServer,
} from '@drawbridge/server';
import { SqliteStorage } from '../../apps/server/src/storage/SqliteStorage.js';

export interface TestServer {
  server: DrawbridgeHttpServer;
  url: string;
  port: number;
  dataDir: string;
  storage: BoardStorage;
  /** Stops the server (flushing boards); keeps the data dir. */
  stop(): Promise<void>;
  /** Stops the server and deletes the data dir. */
  destroy(): Promise<void>;
}

export const tempDir = (prefix = 'drawbridge-test-'): string =>
  mkdtempSync(path.join(os.tmpdir(), prefix));

export const dbFile = (dataDir: string): string => path.join(dataDir, 'drawbridge.sqlite');

/** A real Drawbridge server on 127.0.0.1, port 0, over a real SQLite file. */
export async function startServer(
  options: Partial<Omit<CreateServerOptions, 'limits'>> & {
    limits?: Partial<Limits>;
    dataDir?: string;
    port?: number;
    /** The listen backlog (default: the server's own). */
    backlog?: number;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  // The test's own storage when it brings one; else a real SQLite file in the data dir.
  const storage = options.storage ?? new SqliteStorage({ file: dbFile(dataDir) });
  const server = createServer({
    ...options,
    storage,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  });
  const address = await server.listen(options.port ?? 0, '127.0.0.1', options.backlog);
  const stop = () => server.close();
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    dataDir,
    storage,
    stop,
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
