/**
 * Child process for the durability test in `SqliteStorage.test.ts`: appends Yjs updates in bursts
 * and prints `ack <seq> <base64 update>` as each append resolves, until the test kills it with
 * SIGKILL. Usage: node --import tsx appendAndDie.ts <file> <boardId>
 */
import * as Y from 'yjs';
import { SqliteStorage } from '../SqliteStorage.js';

const BURST = 8;
const MAX_APPENDS = 20_000;

async function main(file: string, boardId: string): Promise<void> {
  const storage = new SqliteStorage({ file });
  const doc = new Y.Doc();
  const shapes = doc.getMap<unknown>('shapes');
  const produced: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => produced.push(update));

  let next = 0;
  while (next < MAX_APPENDS) {
    // One shape per transaction, so a gap in the stored log shows as a missing shape.
    for (let i = 0; i < BURST; i++, next++) shapes.set(`shape-${next}`, { x: next });
    const burst = produced.splice(0);
    await Promise.all(
      burst.map(async (update) => {
        const seq = await storage.append(boardId, update);
        // stdout to a pipe is synchronous on Linux: the line is out before the next commit.
        process.stdout.write(`ack ${seq} ${Buffer.from(update).toString('base64')}\n`);
      }),
    );
  }
  // The test kills us long before this; stay alive so it still has something to kill.
  setTimeout(() => process.exit(0), 30_000);
}

const [file, boardId] = process.argv.slice(2);
if (file === undefined || boardId === undefined) {
  process.stderr.write('usage: appendAndDie.ts <file> <boardId>\n');
  process.exit(2);
}
main(file, boardId).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
