// A Socket.IO relay with Socket.IO's documented MessagePack parser (socket.io-msgpack-parser):
// `board:join` joins a room, `doc:update` goes to the rest of the room as it is and is acked at
// once. No Yjs, no validation, no storage. Prints `LISTENING <port>` once ready.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import parser from 'socket.io-msgpack-parser';

const http = createServer();
const io = new Server(http, { parser, serveClient: false, transports: ['websocket'] });
const empty = new Uint8Array([0]);
io.on('connection', (socket) => {
  socket.on('board:join', async ({ boardId }, ack) => {
    await socket.join(boardId);
    ack({ ok: true, role: 'editor', update: empty, stateVector: empty, awareness: empty });
  });
  socket.on('doc:update', ({ boardId, update }, ack) => {
    socket.to(boardId).emit('doc:update', { boardId, update });
    ack({ ok: true });
  });
});
http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () =>
  console.log(`LISTENING ${http.address().port}`),
);
