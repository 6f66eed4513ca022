import type { BoardMessage } from './messages.js';

/**
 * The test hook `DRAWBRIDGE_TEST_DROP_BUS` as a filter of inbound board messages: each entry is
 * a message type, whose messages are all dropped, or `type:N`, whose first N are (a message
 * Redis lost once, and a retry that gets through).
 */
export function testDrops(entries: readonly string[]): (message: BoardMessage) => boolean {
  const left = new Map<string, number>();
  for (const entry of entries) {
    const [type = '', count] = entry.split(':');
    const n = count === undefined ? Number.POSITIVE_INFINITY : Number(count);
    if (type === '' || !(n >= 0)) throw new Error(`DRAWBRIDGE_TEST_DROP_BUS: bad entry ${entry}`);
    left.set(type, n);
  }
  return (message) => {
    const n = left.get(message.type) ?? 0;
    if (n <= 0) return false;
    left.set(message.type, n - 1);
    return true;
  };
}
