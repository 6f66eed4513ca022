/**
 * `pnpm board-link --board <id> --role viewer --ttl 7d [--embed]`: prints a capability link.
 * Reads AUTH_SECRET (required) and PUBLIC_URL (default http://localhost:3000) from the env.
 */
import { parseArgs } from 'node:util';
import { parseTtl, TokenService } from '../auth/TokenService.js';

const USAGE =
  'usage: pnpm board-link --board <id|*> [--role editor|viewer] [--ttl 7d] [--embed]\n' +
  "env: AUTH_SECRET (required, the server's), PUBLIC_URL (default http://localhost:3000)";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      board: { type: 'string' },
      role: { type: 'string', default: 'viewer' },
      ttl: { type: 'string', default: '7d' },
      embed: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: boards are open and need no link token');
  if (!values.board) throw new Error('--board is required');
  if (values.role !== 'editor' && values.role !== 'viewer')
    throw new Error('--role must be editor or viewer');
  const base = (process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  const tokens = new TokenService(secret);
  const minted = await tokens.mint({
    board: values.board,
    role: values.role,
    ttlSeconds: parseTtl(values.ttl),
  });
  const path = values.board === '*' ? '' : values.board;
  console.log(
    `${base}/${values.embed ? 'embed' : 'b'}/${path}#token=${encodeURIComponent(minted.token)}`,
  );
  console.error(`${values.role} link, expires ${minted.expiresAt.toISOString()}, id ${minted.id}`);
}

main().catch((error: unknown) => {
  console.error(`board-link: ${(error as Error).message}\n${USAGE}`);
  process.exit(1);
});
