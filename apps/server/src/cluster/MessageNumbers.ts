/**
 * Numbers per millisecond of the process's start time: a node sending fewer than this many update
 * messages a second times 1,000 (a million a second) never reaches the numbers of a process
 * started a millisecond later. Times 1,000 keeps every number a safe integer until the year 2255.
 */
const PER_MS = 1000;

/**
 * The numbers of a node's update messages (`msg`). Other nodes key what they applied by sender
 * and number until the sender's commit notice tells them where it was stored, so a sender may
 * never use a number twice: not when a board unloads and loads again on this process (each load
 * has its own `OwnMessages`), and not when a process restarts under the same `NODE_ID`. One
 * counter per process, started at the process's start time, gives that.
 */
export class MessageNumbers {
  #next: number;

  constructor(startedAt = Date.now()) {
    this.#next = startedAt * PER_MS;
  }

  take(): number {
    return this.#next++;
  }
}

let processNumbers: MessageNumbers | null = null;

/** The process's counter (made on first use). */
export function processMessageNumbers(): MessageNumbers {
  processNumbers ??= new MessageNumbers();
  return processNumbers;
}
