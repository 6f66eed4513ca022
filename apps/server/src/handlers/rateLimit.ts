import { ErrorCode } from '@drawbridge/protocol';
import type { Clock } from '../clock.js';
import { RateLimiter } from '../RateLimiter.js';
import { type DrawbridgeSocket, type HandlerDeps, reportError } from './context.js';

/**
 * Every inbound event takes a token from its socket's bucket; past the limit the event is
 * answered with RATE_LIMITED and dropped before any handler runs.
 */
export class RateLimit {
  constructor(
    private readonly deps: HandlerDeps,
    private readonly clock: Clock,
  ) {}

  /** A socket's bucket: `maxMessagesPerSecond` sustained, bursts of twice that. */
  bucket(): RateLimiter {
    const rate = this.deps.limits.maxMessagesPerSecond;
    return new RateLimiter(rate, rate * 2, this.clock);
  }

  /** True if the event may go on; else it has been answered with RATE_LIMITED. */
  admit(socket: DrawbridgeSocket, bucket: RateLimiter, packet: unknown[]): boolean {
    if (bucket.take()) return true;
    const rate = this.deps.limits.maxMessagesPerSecond;
    const ack = packet[packet.length - 1];
    const boardId = (packet[1] as { boardId?: unknown } | undefined)?.boardId;
    reportError(
      this.deps,
      socket,
      ack,
      { code: ErrorCode.RATE_LIMITED, message: `more than ${rate} messages per second` },
      typeof boardId === 'string' && boardId.length <= 64 ? boardId : undefined,
    );
    return false;
  }
}
