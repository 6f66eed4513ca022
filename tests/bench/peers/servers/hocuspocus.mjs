// @hocuspocus/server as its docs set it up, with the storage a user would add through its hooks:
// a document loads from DATA_DIR/<name>.bin and is stored there by `onStoreDocument` (Hocuspocus
// debounces that hook: 2 s, at most 10 s, its defaults). Prints `LISTENING <port>` once ready.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const dataDir = process.env.DATA_DIR;
const file = (name) => path.join(dataDir, `${encodeURIComponent(name)}.bin`);
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
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
