/**
 * The operators' command-line tools as operators run them (`pnpm board-link`, `pnpm board`:
 * real processes) against real servers: links minted, listed and revoked, one minted offline
 * revoked with --all, and a board moved between two servers by export and import.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { runCli } from './utils/cli.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { startServer, type TestServer, tempDir } from './utils/server.js';

const ADMIN = 'cli-test-admin-token-0123456789abcdefgh';
const SECRET = 'cli-test-secret-0123456789abcdefghijkl';

const cli = (script: 'board' | 'boardLink', args: string[], env: Record<string, string>) =>
  runCli(script, args, env);

describe('command-line tools', () => {
  let servers: TestServer[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await Promise.all(servers.map((s) => s.destroy()));
    servers = [];
  });
  const start = async () => {
    const server = await startServer({ tokens: new TokenService(SECRET), adminToken: ADMIN });
    servers.push(server);
    return server;
  };
  const peer = (server: TestServer, boardId: string, token: string) => {
    const created = connectPeer(server.url, boardId, { token });
    peers.push(created);
    return created;
  };
  const tokenOf = (url: string) => decodeURIComponent(url.trim().split('#token=')[1]!);

  it('board-link mints, lists and revokes links; an offline one falls to --all', async () => {
    const server = await start();
    const env = { ADMIN_TOKEN: ADMIN, DRAWBRIDGE_URL: server.url };
    const minted = await cli('boardLink', ['--board', 'team', '--role', 'viewer'], env);
    expect(minted.code, minted.stderr).toBe(0);
    expect(minted.stdout).toMatch(new RegExp(`^${server.url}/b/team#token=`));
    const linkId = /id (\S+)/.exec(minted.stderr)![1]!;
    const editorUrl = (await cli('boardLink', ['--board', 'team', '--role', 'editor'], env)).stdout;
    const offline = await cli('boardLink', ['--board', 'team', '--role', 'viewer'], {
      AUTH_SECRET: SECRET,
      PUBLIC_URL: server.url,
    });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toContain('not recorded');

    const listed = await cli('boardLink', ['list', '--board', 'team'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout.trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith(linkId))).toMatch(/\tviewer\t.*\tactive$/);

    const editor = peer(server, 'team', tokenOf(editorUrl));
    const viewer = peer(server, 'team', tokenOf(minted.stdout));
    const offlineViewer = peer(server, 'team', tokenOf(offline.stdout));
    await Promise.all([editor, viewer, offlineViewer].map(whenLive));

    const revoked = await cli('boardLink', ['revoke', '--board', 'team', `--link=${linkId}`], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await viewer.provider.when((s) => s.status === 'failed')).error?.code).toBe(
      ErrorCode.LINK_REVOKED,
    );
    expect(offlineViewer.provider.state.status).toBe('live');
    const all = await cli('boardLink', ['revoke', '--board', 'team', '--all'], env);
    expect(all.code, all.stderr).toBe(0);
    for (const removed of [offlineViewer, editor]) {
      expect((await removed.provider.when((s) => s.status === 'failed')).error?.code).toBe(
        ErrorCode.LINK_REVOKED,
      );
    }
    const after = await cli('boardLink', ['list', '--board', 'team'], env);
    expect(
      after.stdout
        .trim()
        .split('\n')
        .every((row) => /\trevoked \S+$/.test(row)),
    ).toBe(true);

    const usage = await cli('boardLink', ['revoke', '--board', 'team'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage:');
    const refused = await cli('boardLink', ['list', '--board', 'team'], {
      ...env,
      ADMIN_TOKEN: 'wrong-token',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ADMIN_UNAUTHORIZED');
    const fresh = await cli('boardLink', ['--board', 'team', '--role', 'editor'], env);
    const [a, b] = [
      peer(server, 'team', tokenOf(fresh.stdout)),
      peer(server, 'team', tokenOf(fresh.stdout)),
    ];
    a.doc.getMap('shapes').set('k', 1);
    await Promise.all([a, b].map(whenSaved));
    await expectConverged([a.doc, b.doc]);
  });

  it('board export and import move a board between two servers; list and delete', async () => {
    const [source, target] = [await start(), await start()];
    const sourceEnv = { ADMIN_TOKEN: ADMIN, DRAWBRIDGE_URL: source.url };
    const targetEnv = { ADMIN_TOKEN: ADMIN, DRAWBRIDGE_URL: target.url };
    const link = await new TokenService(SECRET).mint({
      board: '*',
      role: 'editor',
      ttlSeconds: 600,
    });
    const author = peer(source, 'origin', link.token);
    author.doc.getMap('shapes').set('a', { x: 1 });
    author.doc.getMap('shapes').set('b', { x: 2 });
    author.doc.getMap('shapes').delete('a');
    await whenSaved(author);

    const out = path.join(tempDir('drawbridge-cli-'), 'origin.json');
    const exported = await cli('board', ['export', 'origin', '--out', out], sourceEnv);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ boardId: 'origin' });
    const imported = await cli('board', ['import', out, '--board', 'copy'], targetEnv);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`${target.url}/b/copy`);
    const twice = await cli('board', ['import', out, '--board', 'copy'], targetEnv);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('CONFLICT');

    const reader = peer(target, 'copy', link.token);
    await whenLive(reader);
    await expectConverged([author.doc, reader.doc]);
    const listed = await cli('board', ['list'], targetEnv);
    expect(listed.stdout).toMatch(/^copy\t1\t\d+\t\S+\t/m);

    const deleted = await cli('board', ['delete', 'copy'], targetEnv);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('1 members removed');
    expect((await reader.provider.when((s) => s.status === 'failed')).error?.code).toBe(
      ErrorCode.BOARD_DELETED,
    );
    expect((await cli('board', ['list'], targetEnv)).stdout.trim()).toBe('');
  });
});
