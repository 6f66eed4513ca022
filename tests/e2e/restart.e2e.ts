/**
 * The server process dies mid-session and a new one starts on the same port and DATA_DIR:
 * both browsers resync by themselves and nothing drawn before, during or after is lost.
 */
import { describe, expect, it } from 'vitest';
import { expectConverged, RECONNECT_MS } from './utils/app.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('restart');

describe('server restart', () => {
  it('both clients resync after the server is killed and restarted; nothing is lost', async () => {
    const { a, b, boardUrl } = await e2e.pair();
    const before = [
      await a.drawBox('rect', { x: 260, y: 260 }, { x: 420, y: 380 }),
      await b.drawBox('ellipse', { x: 480, y: 260 }, { x: 640, y: 380 }),
    ];
    await a.waitForIds(before.map((shape) => shape.id));
    await b.waitForIds(before.map((shape) => shape.id));
    // Acknowledged as stored by the server on both sides.
    await Promise.all([a.waitForSaved(), b.waitForSaved()]);

    const oldPid = e2e.server.pid;
    const port = e2e.server.port;
    await e2e.server.kill('SIGKILL');
    await Promise.all([a.waitForStatus('offline'), b.waitForStatus('offline')]);

    // Drawn while the server is down.
    const during = await a.drawSegment('line', { x: 260, y: 450 }, { x: 640, y: 520 });
    await a.waitForStatus('offline', { unsaved: (n) => n > 0 });

    const restarted = await e2e.restartServer();
    expect(restarted.port).toBe(port);
    expect(restarted.pid).not.toBe(oldPid);
    await Promise.all([
      a.waitForStatus('live', { unsaved: (n) => n === 0, timeout: RECONNECT_MS }),
      b.waitForStatus('live', { unsaved: (n) => n === 0, timeout: RECONNECT_MS }),
    ]);

    const after = await b.drawSegment('arrow', { x: 760, y: 450 }, { x: 1000, y: 520 });
    const all = [...before, during, after].map((shape) => shape.id);
    await a.waitForIds(all);
    await b.waitForIds(all);
    await Promise.all([a.waitForSaved(), b.waitForSaved()]);
    const agreed = await expectConverged(a, b);
    expect(agreed.shapes.map((shape) => shape.id).sort()).toEqual([...all].sort());

    // The new server holds all of it: a newcomer gets every shape from the server alone.
    const c = await e2e.user('C');
    await c.open(boardUrl);
    const fromServer = await c.waitForIds(all);
    expect(fromServer.map((shape) => shape.id).sort()).toEqual([...all].sort());
  });
});
