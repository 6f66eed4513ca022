/**
 * Clients that reach the cluster through nginx over TLS, each from its own loopback address
 * (127.0.0.2, 127.0.0.3...: all of 127/8 is loopback on Linux). nginx hashes the client's
 * address to pick a node, so distinct addresses are what spreads clients over the nodes, as
 * distinct machines would.
 */
import https from 'node:https';
import type { ClientSocket } from '@drawbridge/client';
import { parser } from '@drawbridge/protocol';
import { io } from 'socket.io-client';
import { vi } from 'vitest';
import type { Nginx } from './nginx.js';

export type Transport = 'websocket' | 'polling';

/** Loopback address number `n` (n >= 2; 127.0.0.1 is where everything listens). */
export const loopback = (n: number): string => `127.0.0.${n}`;

export interface SocketExtras {
  reconnection?: boolean;
  /** E.g. the `origin` a browser page sends. */
  extraHeaders?: Record<string, string>;
}

export interface ProxiedClients {
  /** A Socket.IO client for the Drawbridge protocol, from `address`, through nginx. */
  socket(address: string, transports: Transport[], extra?: SocketExtras): ClientSocket;
  /** Closes every socket and agent made so far. */
  closeAll(): void;
}

export function proxiedClients(nginx: Nginx): ProxiedClients {
  const sockets: ClientSocket[] = [];
  const agents: https.Agent[] = [];
  return {
    socket(address, transports, extra = {}) {
      // Keep-alive like a browser: a polling session's requests share connections.
      const agent = new https.Agent({ localAddress: address, ca: nginx.ca, keepAlive: true });
      agents.push(agent);
      const socket = io(nginx.httpsUrl, {
        parser,
        transports,
        forceNew: true,
        reconnection: extra.reconnection ?? true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
        // Node only: engine.io-client hands these to https.request (polling) and ws (WebSocket).
        // The typings predate Node agents (`string | boolean`).
        agent: agent as unknown as string,
        ca: nginx.ca,
        ...(extra.extraHeaders ? { extraHeaders: extra.extraHeaders } : {}),
      }) as ClientSocket;
      sockets.push(socket);
      return socket;
    },
    closeAll() {
      for (const socket of sockets.splice(0)) socket.disconnect();
      for (const agent of agents.splice(0)) agent.destroy();
    },
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request through nginx from `address`, on a fresh connection. */
export function httpsRequest(
  nginx: Nginx,
  pathAndQuery: string,
  options: {
    address?: string;
    headers?: Record<string, string>;
    method?: string;
    body?: string;
  } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${nginx.httpsUrl}${pathAndQuery}`,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ca: nginx.ca,
        agent: false,
        ...(options.address ? { localAddress: options.address } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The start of an Engine.IO polling session: the handshake every browser client begins with. */
export const POLLING_HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

/**
 * Which node nginx sends each loopback address to, learned from nginx itself: one request per
 * address, then its access log. Probes addresses until every upstream has `perNode` of them.
 */
export async function addressesByUpstream(
  nginx: Nginx,
  upstreams: string[],
  perNode: number,
): Promise<Map<string, string[]>> {
  const byUpstream = new Map(upstreams.map((upstream) => [upstream, [] as string[]]));
  const enough = () => [...byUpstream.values()].every((list) => list.length >= perNode);
  for (let n = 2; n < 255 && !enough(); n += 8) {
    const batch = Array.from({ length: 8 }, (_, i) => loopback(n + i));
    await Promise.all(batch.map((address) => httpsRequest(nginx, '/healthz', { address })));
    // nginx writes the entry once the response is out, so it may trail the answer a little.
    const seen = await vi.waitFor(
      () => {
        const entries = nginx
          .accessLog()
          .filter((entry) => entry.uri === '/healthz' && batch.includes(entry.remote));
        if (entries.length < batch.length) throw new Error('access log not written yet');
        return entries;
      },
      { timeout: 5000, interval: 10 },
    );
    for (const entry of seen) {
      const list = byUpstream.get(entry.upstreams.at(-1) ?? '');
      if (list && list.length < perNode) list.push(entry.remote);
    }
  }
  if (!enough()) throw new Error(`nginx did not spread 254 addresses over ${upstreams}`);
  return byUpstream;
}
