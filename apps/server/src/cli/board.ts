/**
 * `pnpm board`: the boards of a running server, for operators.
 *
 *   pnpm board list                          every board: id, members, size, last change, name
 *   pnpm board delete <id>                   delete a board, its links, assets and history
 *   pnpm board export <id> [--out <file>]    write the board to a file (default <id>.drawbridge-board.json)
 *   pnpm board import <file> [--board <id>]  create a board from such a file (default: its id)
 *
 * Through the server's admin API: ADMIN_TOKEN, and DRAWBRIDGE_URL (or PUBLIC_URL; default
 * http://localhost:3000). Export from one server and import into another to move a board.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isValidBoardId } from '@drawbridge/protocol';
import { adminClient, CliError, runCli, UsageError } from './adminClient.js';

const USAGE = `usage:
  pnpm board list
  pnpm board delete <id>
  pnpm board export <id> [--out <file>]
  pnpm board import <file> [--board <id>]
env: ADMIN_TOKEN, DRAWBRIDGE_URL (or PUBLIC_URL; default http://localhost:3000)`;

interface Listed {
  id: string;
  name: string | null;
  bytes: number;
  updatedAt: string | null;
  members: number;
}

const boardId = (value: string | undefined): string => {
  if (!value || !isValidBoardId(value)) throw new UsageError('give a board id (A-Z a-z 0-9 _ -)');
  return value;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      board: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, argument, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
  const client = adminClient(process.env);
  switch (command) {
    case 'list': {
      const { boards, complete } = await client.request<{ boards: Listed[]; complete: boolean }>(
        'GET',
        '/api/boards',
      );
      for (const b of boards) {
        console.log([b.id, b.members, b.bytes, b.updatedAt ?? '-', b.name ?? ''].join('\t'));
      }
      if (!complete) console.error('some nodes did not answer: member counts may be low');
      return;
    }
    case 'delete': {
      const id = boardId(argument);
      const answer = await client.request<{ members: number }>('DELETE', `/api/boards/${id}`);
      console.log(`deleted ${id} (${answer.members} members removed)`);
      return;
    }
    case 'export': {
      const id = boardId(argument);
      const file = await client.request<unknown>('GET', `/api/boards/${id}/export`);
      const out = values.out ?? `${id}.drawbridge-board.json`;
      await writeFile(out, `${JSON.stringify(file)}\n`, { flag: 'wx' }).catch((error: unknown) => {
        throw new CliError(`cannot write ${out}: ${(error as Error).message}`);
      });
      console.log(out);
      return;
    }
    case 'import': {
      if (!argument) throw new UsageError('give the file to import');
      let file: { boardId?: unknown };
      try {
        file = JSON.parse(await readFile(argument, 'utf8')) as { boardId?: unknown };
      } catch (error) {
        throw new CliError(`cannot read ${argument}: ${(error as Error).message}`);
      }
      const id = boardId(values.board ?? (typeof file.boardId === 'string' ? file.boardId : ''));
      await client.request('POST', `/api/boards/${id}/import`, file);
      console.log(`imported ${argument} as ${id}: ${client.baseUrl}/b/${id}`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'give a command');
  }
}

runCli('board', USAGE, main);
