// @hocuspocus/server as its docs set it up, with the storage a user would add through its hooks:
// a document loads from DATA_DIR/<name>.bin and is stored there by `onStoreDocument` (Hocuspocus
// debounces that hook: 2 s, at most 10 s, its defaults). Prints `LISTENING <port>` once ready.
//
// With REDIS_URL: one node of a cluster, through @hocuspocus/extension-redis as its docs set it
// up (its defaults; nodes share DATA_DIR, the extension's Redis lock keeps two nodes from
// storing one document at once).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const dataDir = process.env.DATA_DIR;
const file = (name) => path.join(dataDir, `${encodeURIComponent(name)}.bin`);
const extensions = [];
if (process.env.REDIS_URL) {
  const { Redis } = await import('@hocuspocus/extension-redis');
  const url = new URL(process.env.REDIS_URL);
  extensions.push(
    new Redis({
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(process.env.NODE_ID ? { identifier: process.env.NODE_ID } : {}),
    }),
  );
}
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions,
  async onLoadDocument({ documentName, document }) {
    if (dataDir && existsSync(file(documentName))) {
      Y.applyUpdate(document, readFileSync(file(documentName)));
    }
    return document;
  },
  async onStoreDocument({ documentName, document }) {
    if (dataDir) writeFileSync(file(documentName), Y.encodeStateAsUpdate(document));
  },
});
await server.listen();
console.log(`LISTENING ${server.address.port}`);
