import {
  ErrorCode,
  ProtocolError,
  Role,
  scanDocUpdate,
  validateDocUpdateEnvelope,
} from '@drawbridge/protocol';
import { storedWithin } from '../rooms/storageError.js';
import {
  boardIdOf,
  type DrawbridgeSocket,
  type HandlerDeps,
  inbound,
  isAck,
  reportError,
  type SocketListener,
  toErrorPayload,
} from './context.js';
import { notJoined } from './membership.js';

/** `doc:update`'s listener, shared by every socket. */
export function syncHandlers(deps: HandlerDeps): { 'doc:update': SocketListener } {
  return {
    'doc:update'(...args) {
      void onDocUpdate(deps, this, args);
    },
  };
}

/**
 * `doc:update`: validate, apply to the board's own doc, relay what it integrated, ack once stored.
 * A large update is scanned off the event loop and applied in slices (see `UpdateIntake`).
 */
async function onDocUpdate(
  deps: HandlerDeps,
  socket: DrawbridgeSocket,
  args: unknown[],
): Promise<void> {
  const { input, ack } = inbound(args);
  deps.metrics.countIn('doc:update');
  const envelope = validateDocUpdateEnvelope(input, deps.limits);
  if (!envelope.ok) return reportError(deps, socket, ack, envelope.error, boardIdOf(input));
  const { boardId, update } = envelope.value;
  const room = deps.rooms.get(boardId);
  const large = room?.intake.takesLarge(update) ?? false;
  const scanned = large ? null : scanDocUpdate(update);
  if (scanned && !scanned.ok) return reportError(deps, socket, ack, scanned.error, boardId);
  deps.metrics.countBytesIn(update.byteLength);
  try {
    const role = socket.data.boards.get(boardId)?.role;
    if (role === undefined || !room?.hasMember(socket.id)) {
      throw notJoined(socket, boardId);
    }
    if (deps.isShuttingDown()) {
      throw new ProtocolError(ErrorCode.SHUTTING_DOWN, 'the server is restarting');
    }
    if (role !== Role.EDITOR) {
      throw new ProtocolError(ErrorCode.FORBIDDEN, 'viewers cannot change the board');
    }
    // A board still filling its document (answered a cold join), or taking a large update,
    // takes other changes once whole, in the order they came.
    while (!room.intake.open) await room.intake.whenOpen();
    const applied = scanned
      ? room.applyUpdate(update, scanned.value, socket.id)
      : // The message is ours: its bytes may move to the loader's worker instead of a copy.
        await room.intake.applyLarge(update, socket.id, true);
    await storedWithin(applied.durable, deps.limits.storageWaitMs);
    if (isAck(ack)) ack({ ok: true });
  } catch (error) {
    const payload = toErrorPayload(deps, error, { boardId, socket: socket.id });
    reportError(deps, socket, ack, payload, boardId);
  }
}
