// The floor of overhead: a raw `ws` relay. One room per URL path; every binary message goes to
// the other sockets of its room as it is, then a one-byte text frame acks it to the sender.
// No Yjs, no validation, no storage. Prints `LISTENING <port>` once ready.
import { WebSocketServer } from 'ws';

const rooms = new Map();
const wss = new WebSocketServer({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
});
wss.on('connection', (ws, request) => {
  const name = (request.url ?? '/').slice(1).split('?')[0];
  const room = rooms.get(name) ?? new Set();
  rooms.set(name, room);
  room.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const peer of room)
      if (peer !== ws && peer.readyState === 1) peer.send(data, { binary: isBinary });
    ws.send('a');
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
});
wss.on('listening', () => console.log(`LISTENING ${wss.address().port}`));
