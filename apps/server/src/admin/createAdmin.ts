import type { TokenService } from '../auth/TokenService.js';
import type { Clock } from '../clock.js';
import type { HandlerDeps } from '../handlers/context.js';
import type { BoardDataStore } from '../storage/BoardDataStore.js';
import type { Storage } from '../storage/Storage.js';
import { BoardAdmin } from './BoardAdmin.js';
import { Evictions } from './Evictions.js';
import { LinkAdmin } from './LinkAdmin.js';
import { NodeCommands } from './NodeCommands.js';
import { RevocationSweep } from './RevocationSweep.js';

export interface AdminServices {
  boardAdmin: BoardAdmin;
  /** Null when boards are open (no AUTH_SECRET): there are no links to manage. */
  linkAdmin: LinkAdmin | null;
  /** In a cluster with tokens: catches revocations whose push this node missed. */
  sweep: RevocationSweep | null;
}

/**
 * The operators' services over the Socket.IO server: link revocation and board deletion act on
 * sockets, on this node and (in a cluster) on every other, through `NodeCommands`.
 */
export function createAdmin(
  deps: Pick<HandlerDeps, 'io' | 'rooms' | 'metrics' | 'logger'> & {
    storage: Storage;
    tokens: TokenService | null;
    clustered: boolean;
    /** How often a cluster node re-reads recent revocations (see `RevocationSweep`). */
    sweepMs: number;
    dataStores: readonly BoardDataStore[];
    clock: Clock;
  },
): AdminServices {
  const logger = deps.logger.child({ component: 'admin' });
  const evictions = new Evictions({ ...deps, logger });
  const boardAdmin: BoardAdmin = new BoardAdmin({
    storage: deps.storage,
    rooms: deps.rooms,
    evictions,
    commands: () => commands,
    dataStores: deps.dataStores,
    clock: deps.clock,
    logger,
  });
  const commands: NodeCommands = new NodeCommands({
    io: deps.io,
    clustered: deps.clustered,
    logger,
    local: {
      revoked: (revocation) => evictions.links(revocation),
      deleteBoard: (boardId) => boardAdmin.dropLocal(boardId),
      census: () => boardAdmin.census(),
    },
  });
  const linkAdmin = deps.tokens
    ? new LinkAdmin({ tokens: deps.tokens, links: deps.storage.links, commands, clock: deps.clock })
    : null;
  const sweep =
    deps.clustered && deps.tokens
      ? new RevocationSweep({
          links: deps.storage.links,
          evictions,
          clock: deps.clock,
          logger,
          intervalMs: deps.sweepMs,
        })
      : null;
  return { boardAdmin, linkAdmin, sweep };
}
