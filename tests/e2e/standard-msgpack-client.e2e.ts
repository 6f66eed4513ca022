/**
 * A page in real Chromium on Socket.IO's documented MessagePack parser: socket.io-client +
 * socket.io-msgpack-parser (notepack.io's browser build), bundled with esbuild. The whole sync
 * flow against the real server process, with a Drawbridge provider in Node on the same board.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  stateVector,
  whenLive,
  whenSaved,
} from '../utils/peers.js';
import type { StandardClient } from '../utils/standardClient.js';
import type { StandardPage } from './standard-client/page.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('standard-msgpack-client');

type PageGlobals = { standard: StandardPage; client?: StandardClient; second?: StandardClient };

let bundle = '';
beforeAll(async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./standard-client/page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
});

/**
 * Opens a document the server itself serves (so the socket passes the server's origin check,
 * and Chromium's local network access checks see a local page), then runs the bundle in it.
 */
async function openStandardPage(label: string): Promise<Page> {
  const user = await e2e.user(label);
  await user.page.goto(`${e2e.url}/healthz`);
  await user.page.addScriptTag({ content: bundle });
  await user.page.waitForFunction(() => 'standard' in globalThis);
  return user.page;
}

/** The page client's state vector (base64) and content, to compare with Node docs. */
const pageSnapshot = (page: Page, which: 'client' | 'second' = 'client') =>
  page.evaluate((key) => {
    const g = globalThis as unknown as PageGlobals;
    const client = g[key]!;
    const { Y } = g.standard;
    const sv = Y.encodeStateVector(client.doc);
    let binary = '';
    for (const byte of sv) binary += String.fromCharCode(byte);
    return {
      stateVector: btoa(binary),
      shapes: client.doc.getMap('shapes').toJSON(),
      order: client.doc.getArray('order').toJSON(),
      text: client.doc.getText('text').toString(),
      presence: client.presenceNames(),
      errors: client.received.errors,
      docUpdates: client.received.docUpdates,
    };
  }, which);

describe('socket.io-msgpack-parser clients (browser)', () => {
  it('a page joins, edits with acks, receives relayed updates and presence', async () => {
    const boardId = 'standard-browser';
    const page = await openStandardPage('standard');
    const peers: Peer[] = [];
    try {
      const joined = await page.evaluate(
        async ({ board, url }) => {
          const g = globalThis as unknown as PageGlobals;
          g.client = await g.standard.connect({
            url,
            boardId: board,
            sendBinaryAs: 'arraybuffer',
          });
          const ack = await g.client.join();
          const edit = await g.client.edit((doc) =>
            doc.getMap('shapes').set('page1', { kind: 'rect', x: 10 }),
          );
          return { ok: ack.ok, role: ack.ok ? ack.role : null, edit };
        },
        { board: boardId, url: e2e.url },
      );
      expect(joined).toEqual({ ok: true, role: 'editor', edit: { ok: true } });

      // A Drawbridge provider in Node sees the page's edit, and the page sees the provider's.
      const peer = connectPeer(e2e.url, boardId);
      peers.push(peer);
      await whenLive(peer);
      expect(peer.doc.getMap('shapes').get('page1')).toEqual({ kind: 'rect', x: 10 });
      peer.doc.getText('text').insert(0, 'from Node');
      await whenSaved(peer);
      await vi.waitFor(async () => expect((await pageSnapshot(page)).text).toBe('from Node'), {
        timeout: 10_000,
        interval: 50,
      });

      // A second standard client in the same page: relays between two notepack clients.
      const second = await page.evaluate(
        async ({ board, url }) => {
          const g = globalThis as unknown as PageGlobals;
          g.second = await g.standard.connect({
            url,
            boardId: board,
            sendBinaryAs: 'arraybuffer',
          });
          const ack = await g.second.join();
          const edit = await g.second.edit((doc) => doc.getArray('order').push(['s1']));
          const presence = [
            await g.client!.setPresence({ name: 'Ada' }),
            await g.second.setPresence({ name: 'Bea' }),
          ];
          return { ok: ack.ok, edit, presence };
        },
        { board: boardId, url: e2e.url },
      );
      expect(second).toEqual({
        ok: true,
        edit: { ok: true },
        presence: [{ ok: true }, { ok: true }],
      });
      peer.provider.awareness.setLocalState({ name: 'Pat' });

      await vi.waitFor(
        async () => {
          const [one, two] = [await pageSnapshot(page), await pageSnapshot(page, 'second')];
          const node = stateVector(peer.doc);
          expect(one.stateVector).toBe(node);
          expect(two.stateVector).toBe(node);
          expect(one.presence).toEqual(['Ada', 'Bea', 'Pat']);
          expect(two.presence).toEqual(['Ada', 'Bea', 'Pat']);
          const names = [...peer.provider.awareness.getStates().values()]
            .map((s) => (s as { name?: string }).name)
            .sort();
          expect(names).toEqual(['Ada', 'Bea', 'Pat']);
        },
        { timeout: 10_000, interval: 50 },
      );
      const one = await pageSnapshot(page);
      const two = await pageSnapshot(page, 'second');
      const expected = {
        shapes: peer.doc.getMap('shapes').toJSON(),
        order: peer.doc.getArray('order').toJSON(),
        text: peer.doc.getText('text').toString(),
      };
      expect({ shapes: one.shapes, order: one.order, text: one.text }).toEqual(expected);
      expect({ shapes: two.shapes, order: two.order, text: two.text }).toEqual(expected);
      expect(expected.order).toEqual(['s1']);
      expect(one.docUpdates).toBeGreaterThanOrEqual(2);
      expect([...one.errors, ...two.errors]).toEqual([]);

      // The stored board is the same too.
      const late = connectPeer(e2e.url, boardId);
      peers.push(late);
      await whenLive(late);
      await expectConverged([peer.doc, late.doc]);
    } finally {
      await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        g.client?.close();
        g.second?.close();
      });
      destroyAll(peers);
    }
  });

  it("the browser build's Uint8Array pitfall: written as a map, refused with BAD_REQUEST", async () => {
    const page = await openStandardPage('uint8array');
    const result = await page.evaluate(async (url) => {
      const g = globalThis as unknown as PageGlobals;
      g.client = await g.standard.connect({
        url,
        boardId: 'standard-uint8array',
        sendBinaryAs: 'uint8array',
      });
      try {
        return await g.client.join();
      } finally {
        g.client.close();
      }
    }, e2e.url);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
