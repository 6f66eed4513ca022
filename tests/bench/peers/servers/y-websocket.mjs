// @y/websocket-server (y-websocket's server) as its README sets it up, with a persistence a user
// would add through `setPersistence`: a document loads from DATA_DIR/<name>.bin and its updates
// are appended to it asynchronously, as they come (no fsync), like y-leveldb does. Prints
// `LISTENING <port>` once ready.
import { existsSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';

const dataDir = process.env.DATA_DIR;
const file = (name) => path.join(dataDir, `${encodeURIComponent(name)}.bin`);
const frame = (update) => {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(update.byteLength);
  return Buffer.concat([header, update]);
};
if (dataDir) {
  setPersistence({
    provider: null,
    bindState: (name, doc) => {
      if (existsSync(file(name))) {
        // Length-prefixed updates, appended one by one; a torn tail is dropped.
        const bytes = readFileSync(file(name));
        const updates = [];
        for (let at = 0; at + 4 <= bytes.length; ) {
          const length = bytes.readUInt32LE(at);
          if (at + 4 + length > bytes.length) break;
          updates.push(bytes.subarray(at + 4, at + 4 + length));
          at += 4 + length;
        }
        if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates));
      }
      let queued = [];
      let writing = false;
      const flush = async () => {
        writing = true;
        while (queued.length > 0) {
          const chunk = Buffer.concat(queued);
          queued = [];
          await appendFile(file(name), chunk);
        }
        writing = false;
      };
      doc.on('update', (update) => {
        queued.push(frame(update));
        if (!writing) void flush();
      });
    },
    writeState: async () => {},
  });
}
const http = createServer((_request, response) => response.end('y-websocket'));
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on('connection', (conn, request) => setupWSConnection(conn, request));
http.on('upgrade', (request, socket, head) =>
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
);
http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () =>
  console.log(`LISTENING ${http.address().port}`),
);
