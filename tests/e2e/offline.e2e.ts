/**
 * Offline editing in the browser: edits survive a reload while offline (IndexedDB and the
 * service worker), and merge with what others drew meanwhile once the connection is back.
 */
import { describe, expect, it, vi } from 'vitest';
import { expectConverged, RECONNECT_MS, WAIT_MS } from './utils/app.js';
import { darkPixels } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('offline');

describe('offline', () => {
  it('A draws offline, reloads offline, and merges with B once back online', async () => {
    const { a, b } = await e2e.pair();
    await a.waitForServiceWorker();

    await a.context.setOffline(true);
    await a.waitForStatus('offline');

    const offline = [
      await a.drawBox('rect', { x: 260, y: 260 }, { x: 420, y: 380 }),
      await a.drawBox('ellipse', { x: 480, y: 260 }, { x: 640, y: 380 }),
      await a.drawSegment('line', { x: 260, y: 450 }, { x: 640, y: 520 }),
    ];
    const offlineIds = offline.map((shape) => shape.id);
    await a.waitForStatus('offline', { unsaved: (n) => n > 0 });

    // Meanwhile B draws two shapes; neither side sees the other's.
    const online = [
      await b.drawBox('rect', { x: 760, y: 260 }, { x: 920, y: 380 }),
      await b.drawSegment('arrow', { x: 760, y: 450 }, { x: 1000, y: 520 }),
    ];
    const onlineIds = online.map((shape) => shape.id);

    // A reloads while still offline: the service worker serves the app, IndexedDB the board.
    const response = await a.page.reload({ waitUntil: 'load', timeout: WAIT_MS }).catch((error) => {
      throw new Error(
        `reloading A while offline failed (the service worker should serve the app shell): ${error}`,
        { cause: error },
      );
    });
    expect(response?.fromServiceWorker(), 'the reload was answered by the service worker').toBe(
      true,
    );
    await a.waitForHooks();
    const reloaded = await a.waitForIds(offlineIds);
    expect(reloaded.map((shape) => shape.id).sort()).toEqual([...offlineIds].sort());
    await a.waitForStatus('offline', { unsaved: (n) => n > 0 });
    // And they are drawn: three outlines of dark ink (~1,300 px of outline at least).
    await vi.waitFor(async () => expect(darkPixels(await a.canvasPixels())).toBeGreaterThan(2000), {
      timeout: WAIT_MS,
      interval: 100,
    });
    expect((await b.shapes()).map((shape) => shape.id).sort()).toEqual([...onlineIds].sort());

    await a.context.setOffline(false);
    await a.waitForStatus('live', { unsaved: (n) => n === 0, timeout: RECONNECT_MS });
    const all = [...offlineIds, ...onlineIds];
    await a.waitForIds(all);
    await b.waitForIds(all);
    const agreed = await expectConverged(a, b);
    expect(agreed.shapes.map((shape) => shape.id).sort()).toEqual([...all].sort());
  });
});
