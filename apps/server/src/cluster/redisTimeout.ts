/**
 * A Redis that hangs (stopped, swapping, a partition that drops packets) keeps its connections
 * open and answers nothing. A connection with a command waiting this long and nothing heard is
 * dropped and reconnected (ioredis `socketTimeout`), and nothing here waits longer than this
 * for an answer: without both, a board being opened waited forever for its subscribe (every
 * join to it with it), publishes piled up, and a SIGTERM's shutdown never ended.
 */
export const REDIS_SOCKET_TIMEOUT_MS = 3000;
