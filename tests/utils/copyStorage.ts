import Database from 'better-sqlite3';
import {
  COPIED_TABLES,
  SQLITE_PARTS_TABLES,
} from '../../apps/server/src/storage/copy/copiedTables.js';
import { runCli } from './cli.js';
import type { PostgresServer } from './postgres.js';

/** Runs `pnpm copy-storage` to its end, as a process of its own. */
export const copyStorage = (args: string[]) => runCli('copyStorage', args);

/** Rows of each copied table, and of the parts tables, in a SQLite file. */
export function sqliteRows(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const names = [...COPIED_TABLES.map((t) => t.name), ...SQLITE_PARTS_TABLES];
    return Object.fromEntries(
      names.map((n) => [n, db.prepare(`SELECT count(*) FROM ${n}`).pluck().get() as number]),
    );
  } finally {
    db.close();
  }
}

/** Rows of each copied table in a PostgreSQL database (throws when it has no such tables). */
export async function postgresRows(
  server: PostgresServer,
  database: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of COPIED_TABLES) {
    counts[name] = Number(await server.psql(`SELECT count(*) FROM ${name}`, database));
  }
  return counts;
}
