/**
 * The server's disk fills up while two people draw in their browsers (its data dir on a small
 * tmpfs, mounted for the test; root only, skipped otherwise). They keep drawing together, live;
 * each whose edits the server cannot store sees "Not saved" with their count; once space is
 * freed both say "All changes saved" by themselves, and a restarted server has everything.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { connectPeer, editUntilRefused, type Peer, whenLive } from '../utils/peers.js';
import { canMountTmpfs, mountTmpfs, resizeTmpfs, unmountTmpfs } from '../utils/tmpfs.js';
import { expectConverged, RECONNECT_MS, report, type User } from './utils/app.js';
import { useE2E } from './utils/session.js';

const mountable = canMountTmpfs();
let disk: string | null = null;
const e2e = useE2E('disk-full', {
  env: { MAX_MESSAGES_PER_SECOND: '100000' },
  ...(mountable
    ? {
        dataDir: () => {
          disk = mountTmpfs('3M');
          if (!disk) throw new Error('could not mount a tmpfs');
          return disk;
        },
        removeDataDir: unmountTmpfs,
      }
    : {}),
});

/**
 * A script on the board writes 20 KB values (in a map the app does not show) until the server
 * refuses one: from then on the board holds an edit it cannot store.
 */
async function fillTheDisk(boardId: string): Promise<Peer> {
  const script = connectPeer(e2e.url, boardId);
  await whenLive(script);
  await editUntilRefused(script, () => randomBytes(15_000).toString('base64'), 0, 'bulk');
  return script;
}

/** The words the status badge shows. */
const badge = (user: User) => user.byTestId('status').textContent();

/** `user` is live with unsaved changes, and its badge says they are not saved. */
async function expectNotSaved(user: User): Promise<void> {
  await user.waitForStatus('live', { unsaved: (n) => n > 0 });
  await vi.waitFor(async () => expect(await badge(user)).toMatch(/^Not saved · \d+ changes?$/), {
    timeout: 15_000,
    interval: 50,
  });
}

describe.skipIf(!mountable)('a full disk (tmpfs; needs root to mount)', () => {
  it('two browsers keep drawing together, live, show "Not saved", and save it all once space is freed', async () => {
    const { a, b, boardUrl } = await e2e.pair();
    const first = await a.drawBox('rect', { x: 260, y: 260 }, { x: 420, y: 380 });
    await b.waitForIds([first.id]);
    await Promise.all([a.waitForSaved(), b.waitForSaved()]);

    const script = await fillTheDisk(a.boardId);
    try {
      // Each draws while the disk is full: the other sees it as it is drawn, and each is told
      // its shape is not saved.
      const byA = await a.drawBox('ellipse', { x: 480, y: 260 }, { x: 640, y: 380 });
      await b.waitForIds([first.id, byA.id]);
      await expectNotSaved(a);
      const byB = await b.drawSegment('arrow', { x: 260, y: 450 }, { x: 640, y: 520 });
      await a.waitForIds([first.id, byA.id, byB.id]);
      await expectNotSaved(b);
      // Still live, still drawing together.
      const again = await a.drawBox('rect', { x: 760, y: 260 }, { x: 920, y: 380 });
      await b.waitForIds([first.id, byA.id, byB.id, again.id]);
      expect((await a.providerState()).status).toBe('live');

      // Space freed: both say everything is saved, without anyone doing anything.
      resizeTmpfs(disk!, '64M');
      const freedAt = Date.now();
      await Promise.all([a.waitForSaved(RECONNECT_MS), b.waitForSaved(RECONNECT_MS)]);
      report('disk freed', { bothSavedMs: Date.now() - freedAt });
      expect(await badge(a)).toBe('All changes saved');
      const agreed = await expectConverged(a, b);
      const ids = [first.id, byA.id, byB.id, again.id];
      expect(agreed.shapes.map((shape) => shape.id).sort()).toEqual([...ids].sort());

      // Stored: a restarted server gives a newcomer every shape.
      await e2e.restartServer();
      const c = await e2e.user('C');
      await c.open(boardUrl);
      const fromServer = await c.waitForIds(ids);
      expect(fromServer.map((shape) => shape.id).sort()).toEqual([...ids].sort());
    } finally {
      script.provider.destroy();
    }
  });
});
