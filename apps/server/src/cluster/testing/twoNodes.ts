import { type Clock, systemClock } from '../../clock.js';
import { silentLogger } from '../../logger.js';
import { BoardRoom } from '../../rooms/BoardRoom.js';
import type { BoardRoomDeps } from '../../rooms/BoardRoomDeps.js';
import { roomDeps } from '../../rooms/testing/roomKit.js';
import { MemoryStorage } from '../../storage/MemoryStorage.js';
import { BoardReplica } from '../BoardReplica.js';
import type { MessageNumbers } from '../MessageNumbers.js';
import type { NoticeTimer } from '../noticeTimer.js';
import { FuzzNetwork } from './FuzzNetwork.js';
import { HeldNotices } from './HeldNotices.js';

/**
 * Two nodes holding board `b` over one shared storage; their bus messages wait in `network`.
 * Commit notices are held until the test fires them (`notices`), or not at all with `null`.
 */
export async function twoNodes(
  timer?: NoticeTimer | null,
  busyHoldMs = 0,
  clock: Clock = systemClock,
) {
  const network = new FuzzNetwork();
  const storage = new MemoryStorage(true);
  const notices = new HeldNotices();
  const make = async (
    id: string,
    handle: MemoryStorage,
    numbers?: MessageNumbers,
    deps: Partial<BoardRoomDeps> = {},
  ) => {
    const bus = network.bus(id);
    const room = await BoardRoom.load('b', roomDeps(handle, deps));
    const replica = new BoardReplica({
      host: room,
      bus,
      clock,
      logger: silentLogger,
      noticeTimer: timer === undefined ? notices.timer : timer,
      busyHoldMs,
      ...(numbers ? { numbers } : {}),
    });
    room.attachReplica(replica);
    await bus.subscribeBoard('b', (message) => replica.handle(message));
    room.addMember(`${id}-member`);
    return { room, replica };
  };
  const a = await make('a', storage);
  /** Node b's handle on the shared storage (node a's is `storage`). */
  const bStorage = storage.sharedHandle();
  const b = await make('b', bStorage);
  /** Delivers queued messages in order; those `filter` refuses are dropped, or kept with `keep`. */
  const deliverAll = (filter: (type: string) => boolean = () => true, keep = false) => {
    const queued = network.inFlight.length;
    for (let i = 0, at = 0; i < queued; i++) {
      const wanted = filter(network.inFlight[at]!.message.type);
      if (!wanted && keep) at++;
      else network.deliver(at, wanted ? 'deliver' : 'drop');
    }
  };
  return { storage, bStorage, network, notices, a, b, deliverAll, make };
}
