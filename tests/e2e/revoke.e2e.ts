/**
 * A link revoked while a page uses it, in real Chromium against the real server process (with
 * AUTH_SECRET and ADMIN_TOKEN): within 1 s the page shows "This link was revoked" instead of
 * the board, no change of the board reaches it any more (not one `doc:update` frame on its
 * WebSocket), and opening the link again is refused. Another viewer's page goes on converging.
 */
import { ErrorCode } from '@drawbridge/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectConverged, type PageGlobals, type User } from './utils/app.js';
import { type MintedLink, useEmbedE2E } from './utils/embed.js';

const e2e = useEmbedE2E('revoke');
const BOARD = `revoke-${Date.now().toString(36)}`;

let editorLink: MintedLink;
let viewerLink: MintedLink;
let otherLink: MintedLink;

beforeAll(async () => {
  [editorLink, viewerLink, otherLink] = await Promise.all([
    e2e.mint(BOARD, 'editor'),
    e2e.mint(BOARD, 'viewer'),
    e2e.mint(BOARD, 'viewer'),
  ]);
});

/** Counts `doc:update` frames the page's WebSocket receives while `counting` says so. */
function countDocUpdates(user: User): { counting: boolean; seen: number } {
  const counter = { counting: false, seen: 0 };
  const marker = Buffer.from('doc:update');
  user.page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      if (counter.counting && bytes.includes(marker)) counter.seen += 1;
    });
  });
  return counter;
}

describe('revoking a link in use', () => {
  it('the page shows the revoked message within 1 s, hears nothing more, and cannot rejoin', async () => {
    const open = (user: User, link: MintedLink) =>
      user.open(`${e2e.url}/b/${BOARD}#token=${encodeURIComponent(link.token)}`);
    const [editor, viewer, other] = await Promise.all([
      e2e.user('editor'),
      e2e.user('viewer'),
      e2e.user('other-viewer'),
    ]);
    const frames = countDocUpdates(viewer);
    // The same count on a page that keeps its link: proof that the counter sees updates.
    const otherFrames = countDocUpdates(other);
    await Promise.all([open(editor, editorLink), open(viewer, viewerLink), open(other, otherLink)]);
    const first = await editor.drawBox('rect', { x: 200, y: 200 }, { x: 360, y: 300 });
    await viewer.waitForShapes('the first rectangle', (shapes) =>
      shapes.some((shape) => shape.id === first.id),
    );
    await expectConverged(editor, viewer);

    const started = performance.now();
    frames.counting = true;
    otherFrames.counting = true;
    const revoked = await e2e.admin('DELETE', `/api/boards/${BOARD}/links/${viewerLink.id}`);
    expect(revoked.status).toBe(200);
    const denied = viewer.byTestId('access-denied');
    await denied.waitFor({ state: 'visible' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(await denied.getAttribute('data-code')).toBe(ErrorCode.LINK_REVOKED);
    expect(await denied.textContent()).toContain('This link was revoked');

    // The editor draws on; the other viewer gets it, the revoked page nothing.
    const second = await editor.drawBox('ellipse', { x: 420, y: 200 }, { x: 520, y: 300 });
    await editor.waitForSaved();
    await expectConverged(editor, other);
    // Everything the server sent the revoked page before this round trip has arrived.
    await viewer.page.evaluate(() =>
      (globalThis as unknown as PageGlobals)
        .__drawbridge!.provider.socket.timeout(5000)
        .emitWithAck('board:leave', { boardId: 'barrier' }),
    );
    expect(frames.seen).toBe(0);
    expect(otherFrames.seen).toBeGreaterThan(0);
    expect((await viewer.shapes()).some((shape) => shape.id === second.id)).toBe(false);

    // Opening the link again is refused.
    await viewer.page.reload();
    await viewer.byTestId('access-denied').waitFor({ state: 'visible' });
    expect(await viewer.byTestId('access-denied').getAttribute('data-code')).toBe(
      ErrorCode.LINK_REVOKED,
    );
    await expectConverged(editor, other);
  });
});
