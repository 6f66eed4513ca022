/**
 * The cluster's PostgreSQL runs out of disk (its data dir on a small tmpfs, mounted for the
 * test; root only, skipped otherwise). Unlike an outage, PostgreSQL still answers: reads work,
 * and every write that needs space fails ("could not extend file": SQLSTATE 53100). Edits are
 * refused with a retryable error and never acked unstored; their writers stay on the board, live,
 * on any node; the nodes serve on; new tabs on any node open the board, refused edits included; a board whose tab closed with an edit refused
 * stays loaded, not unloaded when idle; a node killed while holding unstored edits loses none
 * of them; once space is freed, every refused edit lands by itself, and storage holds exactly
 * the board everyone has.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentVersion } from '../apps/server/src/rooms/documentVersion.js';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  editUntilRefused,
  expectConverged,
  expectLiveUnsaved,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { fetchBoard } from './utils/rawClient.js';
import { canMountTmpfs, fillUp, mountTmpfs, resizeTmpfs, unmountTmpfs } from './utils/tmpfs.js';

const mountable = canMountTmpfs();

const ADMIN_TOKEN = 'cluster-disk-full-admin-token-0123456789ab';
/** About 20 KB per shape, which PostgreSQL cannot compress (it compresses large values). */
const bulky = (i: number) => ({
  kind: 'text',
  text: `${i} ${randomBytes(15_000).toString('base64')}`,
});
/** Space left to PostgreSQL once the filler is written: some 50 shapes' records. */
const LEFT_BYTES = 1024 * 1024;

let dir: string | null = null;
let cluster: TestCluster | null = null;
let peers: Peer[] = [];

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await cluster?.destroy();
  cluster = null;
  if (dir) unmountTmpfs(dir);
  dir = null;
});

describe.skipIf(!mountable)(
  "a full disk under the cluster's PostgreSQL (tmpfs; needs root)",
  () => {
    it('refuses edits with a retryable error, opens the board on every node, loses nothing, and stores the refused edits once space is freed', async () => {
      dir = mountTmpfs('128M')!;
      const disk = dir;
      const c = await startCluster({
        nodes: 2,
        // Idle boards unload soon: one holding refused edits must not.
        env: { ADMIN_TOKEN, COMPACT_EVERY: '20', IDLE_UNLOAD_MS: '200' },
        postgres: {
          parentDir: disk,
          // Small WAL segments, recycled rather than created once the disk is full: PostgreSQL
          // stops (PANIC) when it cannot create one, and this test is about a server that answers.
          initdbArgs: ['--wal-segsize=1'],
          settings: { min_wal_size: '48MB', max_wal_size: '96MB' },
        },
      });
      cluster = c;
      const loadedOn = async (node: number, boardId: string) => {
        const res = await fetch(`${c.url(node)}/api/boards/${boardId}/status`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return ((await res.json()) as { loaded: boolean }).loaded;
      };
      const peer = (node: number, boardId: string, doc?: Parameters<typeof connectPeer>[2]) => {
        const created = connectPeer(c.url(node), boardId, doc ?? {});
        peers.push(created);
        return created;
      };
      // WAL to recycle: written, then checkpointed into segments kept for reuse.
      await c.pg.psql('CREATE TABLE wal_filler (b bytea)', 'drawbridge');
      await c.pg.psql(
        "INSERT INTO wal_filler SELECT decode(repeat('ab', 4000), 'hex') FROM generate_series(1, 6000)",
        'drawbridge',
      );
      await c.pg.psql('DROP TABLE wal_filler', 'drawbridge');
      await c.pg.psql('CHECKPOINT');
      const pgPid = c.pg.pid;

      const writer = peer(0, 'full');
      const reader = peer(1, 'full');
      const other = peer(0, 'other');
      const otherReader = peer(1, 'other');
      await Promise.all([writer, reader, other, otherReader].map(whenLive));
      const shapes = writer.doc.getMap('shapes');
      shapes.set('s0', bulky(0));
      await whenSaved(writer);

      // The disk fills up (a filler takes all but `LEFT_BYTES`). Edit until one is refused:
      // everything before it was acked, so it is stored.
      fillUp(path.join(disk, 'filler'), LEFT_BYTES);
      const acked = await editUntilRefused(writer, bulky, 1);
      expect(writer.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);
      expect(acked).toBeGreaterThan(5);
      // More edits while it is full: refused and kept by the client, as the first one.
      for (let i = 1; i <= 5; i++) shapes.set(`s${acked + i}`, bulky(acked + i));
      expect(writer.provider.state.unsaved).toBeGreaterThan(0);
      const shapeCount = acked + 6;

      // PostgreSQL answers (it did not stop), and so do both nodes. The writer stays on the board
      // (its rejoin is answered `unstored`, PROTOCOL.md §4.1): every refused edit reached the
      // reader on node 2, relayed as it was applied.
      expect(c.pg.pid).toBe(pgPid);
      expect((await c.pg.psql('SELECT 1', 'drawbridge')).trim()).toBe('1');
      for (const node of [0, 1]) expect((await fetch(`${c.url(node)}/healthz`)).status).toBe(200);
      await expectLiveUnsaved(writer, reader, 'full');
      const relayed = shapeCount + 2;
      await vi.waitFor(() => expect(reader.doc.getMap('shapes').size).toBe(relayed), {
        timeout: 10_000,
        interval: 20,
      });
      expect(reader.doc.getMap('shapes').has(`s${acked + 5}`)).toBe(true);
      // Another board's members edit together too, unsaved.
      other.doc.getMap('shapes').set('small', { x: 1 });
      await expectConverged([other.doc, otherReader.doc]);

      // A new tab on either node holds nothing: it opens the board, the refused edit included
      // (the node reads what storage holds, and has the rest in memory).
      const lateOnWriterNode = peer(0, 'full');
      const lateOnReaderNode = peer(1, 'full');
      await Promise.all([whenLive(lateOnWriterNode), whenLive(lateOnReaderNode)]);
      for (const late of [lateOnWriterNode, lateOnReaderNode]) {
        expect(late.doc.getMap('shapes').size).toBe(relayed);
        expect(late.doc.getMap('shapes').has(`s${acked}`)).toBe(true);
      }

      // A tab on node 2 edits another board, refused, and closes. Its edit is then nowhere else
      // on that node: the board stays loaded while an idle board closed after it unloads.
      const closer = peer(1, 'closed');
      await whenLive(closer);
      closer.doc.getMap('shapes').set('left', bulky(-1));
      await closer.provider.when((s) => s.error?.code === ErrorCode.STORAGE_ERROR);
      closer.provider.destroy();
      const sentinel = peer(1, 'sentinel');
      await whenLive(sentinel);
      sentinel.provider.destroy();
      await vi.waitFor(async () => expect(await loadedOn(1, 'sentinel')).toBe(false), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await loadedOn(1, 'closed')).toBe(true);

      // Node 1, whose member made the unstored edits, dies. Its writer moves to node 2 (a new
      // provider on its doc), still holding them: node 2 has them too (from the bus), but cannot
      // store them either. Its join is answered `unstored`: it is live on node 2, and counts
      // what its doc held unsaved, never told it is stored. Node 1 comes back on its port.
      const port = c.nodes[0]!.port;
      await c.nodes[0]!.kill('SIGKILL');
      writer.provider.destroy();
      const movedWriter = peer(1, 'full', { doc: writer.doc });
      await expectLiveUnsaved(movedWriter, reader, 'moved');
      await c.start(0, port);

      // Space freed: the refused edits land without anyone resending them by hand.
      rmSync(path.join(disk, 'filler'));
      resizeTmpfs(disk, '256M');
      const everyone = [movedWriter, reader, lateOnWriterNode, lateOnReaderNode];
      await Promise.all([...everyone, other, otherReader].map(whenSaved));
      // (Its last error may be its cursor's: node 2 gives a client id back only once it knows
      // the node that had it is gone. Not under test here.)
      expect(movedWriter.provider.state.error?.code).not.toBe(ErrorCode.STORAGE_ERROR);
      await expectConverged(everyone.map((p) => p.doc));
      await expectConverged([other.doc, otherReader.doc]);
      const version = documentVersion(movedWriter.doc);
      // Its shapes, and the two pairs of edits made live while the disk was full.
      expect(movedWriter.doc.getMap('shapes').size).toBe(shapeCount + 4);

      // Storage holds exactly that board: a restart of every node serves it from PostgreSQL.
      await c.nodes[0]!.kill('SIGKILL');
      await c.nodes[1]!.kill('SIGKILL');
      await c.start(0);
      const stored = await fetchBoard(c.url(0), 'full');
      expect(documentVersion(stored)).toBe(version);
      // The closed tab's edit too, stored by node 2 on its own once space was freed.
      const closed = await fetchBoard(c.url(0), 'closed');
      expect(closed.getMap('shapes').has('left')).toBe(true);
      expect(c.pg.pid).toBe(pgPid);
    }, 180_000);
  },
);
