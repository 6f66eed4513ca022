import { type Revocation, readRevocation } from '../auth/revocation.js';
import { type CensusEntry, readCensus, readDeleteRequest } from '../cluster/interServer.js';
import type { DrawbridgeServer } from '../handlers/context.js';
import type { Logger } from '../logger.js';

/** What this node does when told by another (or by itself). */
export interface LocalCommands {
  revoked(revocation: Revocation): void;
  /** Removes the board's members and drops its copy; resolves with the members removed. */
  deleteBoard(boardId: string): Promise<number>;
  census(): CensusEntry[];
}

/** A command's answers from every node, this one included. */
export interface Answers<T> {
  answers: T[];
  /** False when some node did not answer in time (its part is missing). */
  complete: boolean;
}

/**
 * Runs a command on this node and on every other node of the cluster (Socket.IO's
 * `serverSideEmit` over the Redis adapter; on a single node, here only). Other nodes' answers
 * are awaited for at most the adapter's request timeout (5 s): a node that is down must not
 * hang an admin request.
 */
export class NodeCommands {
  readonly #io: DrawbridgeServer;
  readonly #clustered: boolean;
  readonly #local: LocalCommands;

  constructor(options: {
    io: DrawbridgeServer;
    clustered: boolean;
    local: LocalCommands;
    logger: Logger;
  }) {
    this.#io = options.io;
    this.#clustered = options.clustered;
    this.#local = options.local;
    if (!options.clustered) return;
    const { io, local, logger } = options;
    io.on('links:revoked', (payload: unknown) => {
      const revocation = readRevocation(payload);
      if (revocation) local.revoked(revocation);
      else logger.warn({}, 'malformed revocation from another node');
    });
    io.on('board:delete', (payload: unknown, ack: unknown) => {
      const request = readDeleteRequest(payload);
      if (!request || typeof ack !== 'function') return;
      local.deleteBoard(request.boardId).then(
        (members) => ack({ members }),
        (error: unknown) =>
          logger.error({ err: error, ...request }, 'could not drop a deleted board'),
      );
    });
    io.on('boards:census', (ack: unknown) => {
      if (typeof ack === 'function') ack(local.census());
    });
  }

  /** Removes the revoked links' sockets here, and pushes the revocation to the other nodes. */
  revoke(revocation: Revocation): void {
    this.#local.revoked(revocation);
    if (this.#clustered) this.#io.serverSideEmit('links:revoked', revocation);
  }

  /** Removes the board's members and drops its copy on every node; their member counts. */
  async deleteBoard(boardId: string): Promise<Answers<number>> {
    const [here, others] = await Promise.all([
      this.#local.deleteBoard(boardId),
      this.#ask<{ members: number }>((done) =>
        this.#io.serverSideEmit('board:delete', { boardId }, done),
      ),
    ]);
    return {
      answers: [
        here,
        ...others.answers.map((a) => (Number.isSafeInteger(a?.members) ? a.members : 0)),
      ],
      complete: others.complete,
    };
  }

  /** The boards every node holds. */
  async census(): Promise<Answers<CensusEntry[]>> {
    const others = await this.#ask<unknown>((done) =>
      this.#io.serverSideEmit('boards:census', done),
    );
    return {
      answers: [this.#local.census(), ...others.answers.map(readCensus)],
      complete: others.complete,
    };
  }

  /** The other nodes' answers; on a single node, none (and complete). */
  #ask<T>(send: (done: (error: Error | null, answers: T[]) => void) => void): Promise<Answers<T>> {
    if (!this.#clustered) return Promise.resolve({ answers: [], complete: true });
    return new Promise((resolve) => {
      send((error, answers) => resolve({ answers: answers ?? [], complete: !error }));
    });
  }
}
