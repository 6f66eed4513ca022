/**
 * A loopback TCP proxy in front of one server (Redis, say), for tests that need one connection
 * to come back later than the others: `hold(marker)` keeps every new connection whose first
 * bytes contain `marker` (a Redis client's CLIENT SETNAME) unanswered until `release()`;
 * `cutAll()` drops every connection, as a network cut does.
 */
import net from 'node:net';

export interface TcpProxy {
  /** `127.0.0.1:<port>` of the proxy. */
  readonly port: number;
  hold(marker: string): void;
  /** Forwards what the held connections sent, and everything after it. */
  release(): void;
  cutAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** What the client sent before its upstream was opened. */
  pending: Buffer[];
  held: boolean;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let marker: string | null = null;

  const open = (pair: Pair) => {
    pair.held = false;
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    pair.upstream = upstream;
    for (const chunk of pair.pending.splice(0)) upstream.write(chunk);
    upstream.pipe(pair.client);
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
  };

  const server = net.createServer((client) => {
    const pair: Pair = { client, upstream: null, pending: [], held: false };
    pairs.add(pair);
    let first = true;
    client.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        pair.held = marker !== null && chunk.includes(marker);
        pair.pending.push(chunk);
        if (!pair.held) open(pair);
        return;
      }
      if (pair.upstream) pair.upstream.write(chunk);
      else pair.pending.push(chunk);
    });
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
  });
  const cutAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    hold(value) {
      marker = value;
    },
    release() {
      marker = null;
      for (const pair of pairs) if (pair.held) open(pair);
    },
    cutAll,
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
