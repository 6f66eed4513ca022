/**
 * `pnpm board-link`: capability links of a running server.
 *
 *   pnpm board-link --board <id|*> [--role editor|viewer] [--ttl 7d] [--embed]   mint a link
 *   pnpm board-link list --board <id|*>                                          list links
 *   pnpm board-link revoke --board <id|*> (--link=<id> | --all)                  revoke
 *
 * Through the server's admin API (ADMIN_TOKEN; DRAWBRIDGE_URL or PUBLIC_URL, default
 * http://localhost:3000), so minted links are recorded and revocations reach the pages using
 * them at once. Without ADMIN_TOKEN a link can still be minted offline from AUTH_SECRET, as
 * before links were recorded: it works, but is not listed (revoke it by its id, or with --all).
 */
import { parseArgs } from 'node:util';
import { parseTtl, TokenService } from '../auth/TokenService.js';
import { adminClient, runCli, UsageError } from './adminClient.js';

const USAGE = `usage:
  pnpm board-link --board <id|*> [--role editor|viewer] [--ttl 7d] [--embed]
  pnpm board-link list --board <id|*>
  pnpm board-link revoke --board <id|*> (--link=<id> | --all)
env: ADMIN_TOKEN and DRAWBRIDGE_URL (or PUBLIC_URL; default http://localhost:3000);
     without ADMIN_TOKEN, minting works offline from AUTH_SECRET (the link is not recorded)`;

interface LinkView {
  id: string;
  role: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      board: { type: 'string' },
      role: { type: 'string', default: 'viewer' },
      ttl: { type: 'string', default: '7d' },
      embed: { type: 'boolean', default: false },
      link: { type: 'string' },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command = 'mint', ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
  const board = values.board;
  if (!board) throw new UsageError('--board is required');
  const scope = encodeURIComponent(board);
  switch (command) {
    case 'mint':
      return mint(board, values);
    case 'list': {
      const { links } = await adminClient(process.env).request<{ links: LinkView[] }>(
        'GET',
        `/api/boards/${scope}/links`,
      );
      if (links.length === 0) console.error(`no links recorded for ${board}`);
      for (const link of links) {
        const state = link.revokedAt
          ? `revoked ${link.revokedAt}`
          : link.expiresAt && Date.parse(link.expiresAt) < Date.now()
            ? 'expired'
            : 'active';
        console.log(
          [link.id, link.role ?? '-', link.createdAt ?? '-', link.expiresAt ?? '-', state].join(
            '\t',
          ),
        );
      }
      return;
    }
    case 'revoke': {
      if (Boolean(values.link) === values.all) throw new UsageError('give --link=<id> or --all');
      const client = adminClient(process.env);
      if (values.all) {
        const answer = await client.request<{ revoked: string[]; revokedBefore: string }>(
          'DELETE',
          `/api/boards/${scope}/links`,
        );
        console.log(
          `revoked every link of ${board} minted before ${answer.revokedBefore} (${answer.revoked.length} recorded)`,
        );
      } else {
        const { link } = await client.request<{ link: LinkView }>(
          'DELETE',
          `/api/boards/${scope}/links/${encodeURIComponent(values.link!)}`,
        );
        console.log(`revoked ${link.id} (${link.role ?? 'unrecorded'} link of ${board})`);
      }
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

async function mint(
  board: string,
  values: { role: string; ttl: string; embed: boolean },
): Promise<void> {
  if (values.role !== 'editor' && values.role !== 'viewer') {
    throw new UsageError('--role must be editor or viewer');
  }
  const ttlSeconds = parseTtl(values.ttl);
  if (process.env.ADMIN_TOKEN) {
    const minted = await adminClient(process.env).request<{
      url: string;
      embedUrl: string;
      id: string;
      expiresAt: string;
    }>('POST', `/api/boards/${encodeURIComponent(board)}/links`, {
      role: values.role,
      ttl: ttlSeconds,
    });
    console.log(values.embed ? minted.embedUrl : minted.url);
    console.error(`${values.role} link, expires ${minted.expiresAt}, id ${minted.id}`);
    return;
  }
  const secret = process.env.AUTH_SECRET;
  if (!secret) {
    throw new UsageError('set ADMIN_TOKEN (recorded links) or AUTH_SECRET (offline minting)');
  }
  const minted = await new TokenService(secret).mint({ board, role: values.role, ttlSeconds });
  const path = board === '*' ? '' : board;
  const fragment = `#token=${encodeURIComponent(minted.token)}`;
  const base = (process.env.PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, '');
  console.log(`${base}/${values.embed ? 'embed' : 'b'}/${path}${fragment}`);
  console.error(
    `${values.role} link, expires ${minted.expiresAt.toISOString()}, id ${minted.id}\n` +
      'minted offline (no ADMIN_TOKEN): not recorded, so not listed; revoke it by this id or with --all',
  );
}

runCli('board-link', USAGE, main);
