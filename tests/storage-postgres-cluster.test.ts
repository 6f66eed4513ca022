/**
 * PostgresStorage as several cluster nodes use it, against a private PostgreSQL server: nodes
 * starting together, many writers on many boards, and PostgreSQL stopped under load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PostgresErrorCode,
  PostgresStorage,
  PostgresStorageError,
} from '../apps/server/src/storage/PostgresStorage.js';
import { MIGRATIONS } from '../apps/server/src/storage/postgres/schema.js';
import { type PostgresServer, startPostgres } from './utils/postgres.js';
import { createRandom } from './utils/random.js';

let server: PostgresServer;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.destroy();
});

async function freshDatabase(): Promise<{ url: string; name: string }> {
  databases += 1;
  const name = `cluster_${databases}`;
  return { url: await server.createDatabase(name), name };
}

/** Distinct bytes per (writer, board, index), so every stored record can be traced to its append. */
const payload = (writer: number, board: number, index: number) =>
  Buffer.from(`w${writer}/b${board}/#${index}`);

describe('PostgresStorage in a cluster', () => {
  it('migrates once when three nodes start together, and refuses a newer schema', async () => {
    const { url, name } = await freshDatabase();
    const nodes = await Promise.all(
      [1, 2, 3].map(() => PostgresStorage.open({ connectionString: url })),
    );
    try {
      const versions = await server.psql(
        'SELECT version FROM drawbridge_migrations ORDER BY version',
        name,
      );
      expect(versions.trim().split('\n').map(Number)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      const seqs = await Promise.all(nodes.map((node, i) => node.append('b', Uint8Array.of(i))));
      expect([...seqs].sort()).toEqual([1, 2, 3]);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }

    await server.psql('INSERT INTO drawbridge_migrations (version) VALUES (99)', name);
    await expect(PostgresStorage.open({ connectionString: url })).rejects.toThrow(
      /schema version 99/,
    );
  });

  it('hands out gapless seqs in commit order to 4 writers on 20 boards', async () => {
    const { url } = await freshDatabase();
    const writers = await Promise.all(
      [0, 1, 2, 3].map(() => PostgresStorage.open({ connectionString: url, poolSize: 4 })),
    );
    const random = createRandom(7);
    const SHARED = 12;
    const BOARDS = SHARED + 8;
    const ROUNDS = 25;
    /** seq -> payload, per board, from every writer's acks. */
    const acked = Array.from({ length: BOARDS }, () => new Map<number, string>());
    const issued = new Map<string, number>();
    try {
      // All four believe the board is new and guess seqs 1..3 at once: exactly one guess wins,
      // the others see the row move and take the locking path.
      await Promise.all(writers.map((writer) => writer.headSeqs(['race'])));
      const raced = await Promise.all(
        writers.flatMap((writer, w) =>
          [0, 1, 2].map((i) => writer.append('race', payload(w, -1, i))),
        ),
      );
      expect([...raced].sort((a, b) => a - b)).toEqual(raced.map((_, i) => i + 1));
      const stats = writers.map((writer) => writer.appendStats);
      expect(stats.reduce((sum, s) => sum + s.fast, 0)).toBe(1);
      expect(stats.reduce((sum, s) => sum + s.locked, 0)).toBe(3);

      for (let round = 0; round < ROUNDS; round++) {
        // Every writer issues a burst over random boards in the same tick, so batches mix boards
        // and writers race on the same boards' rows. Every third round each writer keeps to
        // boards only it writes, which it then commits in one statement.
        const burst = writers.flatMap((writer, w) =>
          Array.from({ length: 8 }, async () => {
            const board = round % 3 === 2 ? SHARED + w * 2 + random.int(2) : random.int(SHARED);
            const key = `${w}/${board}`;
            const index = issued.get(key) ?? 0;
            issued.set(key, index + 1);
            const data = payload(w, board, index);
            const seq = await writer.append(`board-${board}`, data);
            return { w, board, index, seq, data: data.toString() };
          }),
        );
        for (const { board, seq, data } of await Promise.all(burst)) {
          expect(acked[board]!.has(seq), `seq ${seq} of board ${board} handed out twice`).toBe(
            false,
          );
          acked[board]!.set(seq, data);
        }
      }

      // Writers' own boards went in one statement once known.
      expect(writers.every((writer) => writer.appendStats.fast > 1)).toBe(true);
      const ids = acked.map((_, board) => `board-${board}`);
      const heads = await writers[3]!.headSeqs(ids);
      for (const [board, seqs] of acked.entries()) {
        const count = seqs.size;
        // Gapless: the acked seqs are exactly 1..count, and the head agrees.
        expect([...seqs.keys()].sort((a, b) => a - b)).toEqual(
          Array.from({ length: count }, (_, i) => i + 1),
        );
        expect(heads.get(`board-${board}`)).toBe(count);
        if (board >= SHARED) expect(count).toBeGreaterThan(0);
        // Each record sits at the seq its append was acked with, and each writer's records of a
        // board keep their issue order.
        const loaded = await writers[board % 4]!.load(`board-${board}`);
        const stored = loaded.updates.map((update) => Buffer.from(update).toString());
        expect(stored).toEqual([...seqs.keys()].sort((a, b) => a - b).map((seq) => seqs.get(seq)));
        for (let w = 0; w < 4; w++) {
          const mine = stored.filter((data) => data.startsWith(`w${w}/`));
          expect(mine).toEqual(mine.map((_, i) => payload(w, board, i).toString()));
        }
      }
    } finally {
      await Promise.all(writers.map((writer) => writer.close()));
    }
  });

  it.each([
    ['stopped', () => server.stop()],
    // SIGKILL to the postmaster and its backends: a crash, then recovery from the WAL.
    ['killed', async () => void (await server.kill('SIGKILL'))],
  ])(
    'rejects appends clearly while PostgreSQL is %s, loses nothing acked, and recovers',
    async (_, outage) => {
      const { url } = await freshDatabase();
      const storage = await PostgresStorage.open({ connectionString: url, connectTimeoutMs: 2000 });
      const acked = new Map<number, string>();
      const refused: unknown[] = [];
      let issued = 0;
      let stopping: Promise<void> | undefined;
      try {
        // Bursts of appends until PostgreSQL, stopped after the first acks, has refused some:
        // appends are queued and in flight at the moment it goes away.
        while (refused.length < 20) {
          const burst = Array.from({ length: 10 }, () => {
            const data = `update-${issued++}`;
            return storage.append('outage', Buffer.from(data)).then(
              (seq) => {
                acked.set(seq, data);
              },
              (error: unknown) => {
                refused.push(error);
              },
            );
          });
          if (acked.size >= 30) stopping ??= outage();
          await Promise.all(burst);
          expect(issued, 'PostgreSQL never refused an append').toBeLessThan(100_000);
        }
        await stopping;
        for (const error of refused) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toMatch(/storage commit failed: PostgreSQL unavailable/);
          const cause = (error as Error).cause;
          expect(cause).toBeInstanceOf(PostgresStorageError);
          expect(cause).toMatchObject({ code: PostgresErrorCode.Unavailable, retryable: true });
        }
        await expect(storage.append('outage', Buffer.from('refused'))).rejects.toThrow(
          /storage commit failed: PostgreSQL unavailable/,
        );
        await expect(storage.ping()).rejects.toThrow(/PostgreSQL unavailable/);
        await expect(storage.load('outage')).rejects.toThrow(/PostgreSQL unavailable/);

        await server.restart();
        // The same instance works again: no reopen. New appends continue after every stored seq.
        await storage.ping();
        const loaded = await storage.load('outage');
        // No compaction here: the log holds every seq from 1, so record i has seq i + 1.
        const stored = loaded.updates.map((update) => Buffer.from(update).toString());
        expect(loaded.lastSeq).toBe(stored.length);
        for (const [seq, data] of acked) expect(stored[seq - 1], `acked seq ${seq}`).toBe(data);
        expect(await storage.append('outage', Buffer.from('after'))).toBe(loaded.lastSeq + 1);
      } finally {
        await stopping?.catch(() => undefined);
        if (server.pid === undefined) await server.restart();
        await storage.close();
      }
    },
  );

  it('fails appends to a hung PostgreSQL within the query timeout, and recovers when it resumes', async () => {
    const { url } = await freshDatabase();
    const storage = await PostgresStorage.open({
      connectionString: url,
      connectTimeoutMs: 500,
      queryTimeoutMs: 500,
    });
    try {
      expect(await storage.append('hung', Buffer.from('before'))).toBe(1);
      server.pause();
      try {
        const during = await Promise.allSettled(
          [1, 2, 3].map((i) => storage.append('hung', Buffer.from(`during-${i}`))),
        );
        for (const result of during) {
          expect(result.status).toBe('rejected');
          expect((result as PromiseRejectedResult).reason.message).toMatch(
            /PostgreSQL unavailable/,
          );
        }
        await expect(storage.ping()).rejects.toThrow(/PostgreSQL unavailable/);
      } finally {
        server.resume();
      }
      // The same instance commits again. The refused appends may still commit: the server
      // reads what was sent before the timeout once it resumes (refused is not "not stored").
      const seq = await storage.append('hung', Buffer.from('after'));
      const stored = (await storage.load('hung')).updates.map((u) => Buffer.from(u).toString());
      expect(stored[0]).toBe('before');
      expect(stored[seq - 1]).toBe('after');
      for (const data of stored)
        expect(['before', 'during-1', 'during-2', 'during-3', 'after']).toContain(data);
    } finally {
      await storage.close();
    }
  });
});
