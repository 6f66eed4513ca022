import type { TestServer } from './server.js';

/** Engine.IO's connections by id (`clients` is not in its public typings). */
export const engineClients = (server: TestServer): unknown[] =>
  Object.values(
    (server.server.io.engine as unknown as { clients: Record<string, unknown> }).clients,
  );

/** Resolves once the server holds every connection on WebSocket (after an upgrade, if any). */
export async function whenServerOnWebSocket(server: TestServer): Promise<void> {
  const deadline = Date.now() + 5000;
  const onWebSocket = () =>
    engineClients(server).every(
      (client) => (client as { transport: { name: string } }).transport.name === 'websocket',
    );
  while (!onWebSocket()) {
    if (Date.now() > deadline) throw new Error('the connection never upgraded to WebSocket');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
