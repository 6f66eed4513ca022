import { ErrorCode } from '@drawbridge/protocol';
import type { Clock } from '../clock.js';
import { RateLimiter } from '../RateLimiter.js';
import { type DrawbridgeSocket, type HandlerDeps, reportError } from './context.js';

/**
 * Socket middleware: every inbound event takes a token from the socket's bucket; past the
 * limit the event is answered with RATE_LIMITED and dropped before any handler runs.
 */
export function installRateLimit(deps: HandlerDeps, socket: DrawbridgeSocket, clock: Clock): void {
  const rate = deps.limits.maxMessagesPerSecond;
  const limiter = new RateLimiter(rate, rate * 2, clock);
  socket.use((packet, next) => {
    if (limiter.take()) return next();
    const ack = packet[packet.length - 1];
    const boardId = (packet[1] as { boardId?: unknown } | undefined)?.boardId;
    reportError(
      deps,
      socket,
      ack,
      { code: ErrorCode.RATE_LIMITED, message: `more than ${rate} messages per second` },
      typeof boardId === 'string' && boardId.length <= 64 ? boardId : undefined,
    );
  });
}
