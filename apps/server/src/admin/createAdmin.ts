import type { TokenService } from '../auth/TokenService.js';
import type { Clock } from '../clock.js';
import type { HandlerDeps } from '../handlers/context.js';
import type { BoardDataStore } from '../storage/BoardDataStore.js';
import type { Storage } from '../storage/Storage.js';
import { BoardAdmin } from './BoardAdmin.js';
import { Evictions } from './Evictions.js';
import { LinkAdmin } from './LinkAdmin.js';
import { NodeCommands } from './NodeCommands.js';

export interface AdminServices {
  boardAdmin: BoardAdmin;
  /** Null when boards are open (no AUTH_SECRET): there are no links to manage. */
  linkAdmin: LinkAdmin | null;
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
  return { boardAdmin, linkAdmin };
}
