import { releaseUpgradeRequest } from './connectionMemory.js';
import { corkWebSocketBatches } from './corkedBatches.js';
import { gatherLargeFrames } from './largeFrames.js';
import { compactListeners, compactTransportListeners } from './listenerTables.js';
import { uncorkOpenedTransport } from './upgradeCork.js';

interface EngineConnection {
  request: unknown;
  transport?: unknown;
  once(event: 'upgrade', listener: (transport: unknown) => void): void;
}

/** What `tuneEngineConnections` needs of Engine.IO's server. */
interface Engine {
  on(event: 'connection', listener: (raw: EngineConnection) => void): unknown;
}

/**
 * Each new Engine.IO connection, made lighter and its writes batched:
 * - the handshake request is dropped once connected (Socket.IO's documented saving: its headers,
 *   buffers and socket refs cost a few kilobytes per connection; `connectionMemory.ts`);
 * - the 101 answer and the OPEN packet went out together (`upgradeCork.ts`);
 * - what queued for a WebSocket while its last write was in flight goes out in one syscall
 *   (`corkedBatches.ts`), on a connection that starts on WebSocket or upgrades to it;
 * - listener tables in V8's fast mode rather than dictionaries (`listenerTables.ts`);
 * - a large message is gathered as it arrives, not copied in one go (`largeFrames.ts`).
 */
export function tuneEngineConnections(engine: Engine): void {
  engine.on('connection', (raw: EngineConnection) => {
    raw.request = null;
    uncorkOpenedTransport(raw.transport);
    releaseUpgradeRequest(raw.transport);
    corkWebSocketBatches(raw.transport);
    compactTransportListeners(raw.transport);
    gatherLargeFrames(raw.transport);
    if ((raw.transport as { name?: string } | undefined)?.name === 'polling') {
      raw.once('upgrade', (transport: unknown) => {
        releaseUpgradeRequest(transport);
        corkWebSocketBatches(transport);
        compactTransportListeners(transport);
        gatherLargeFrames(transport);
      });
    }
    // Socket.IO's client registered its listeners on the engine socket before this one ran.
    compactListeners(raw);
  });
}
