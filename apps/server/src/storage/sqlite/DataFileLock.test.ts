import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../SqliteStorage.js';
import { DataFileInUseError, DataFileLock } from './DataFileLock.js';

const dirs: string[] = [];
const fileIn = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-lock-'));
  dirs.push(dir);
  return path.join(dir, 'drawbridge.sqlite');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A process of its own that takes the lock, says so, and then waits to be killed. */
function holder(file: string) {
  const lockModule = new URL('./DataFileLock.ts', import.meta.url).href;
  const source = `
    const { DataFileLock } = await import(${JSON.stringify(lockModule)});
    DataFileLock.take(${JSON.stringify(file)});
    console.log('held');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: path.dirname(fileURLToPath(import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const held = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'held') resolve();
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, held, exited };
}

describe('DataFileLock', () => {
  it('is held by one taker at a time, in this process too, until released', () => {
    const file = fileIn();
    const lock = DataFileLock.take(file);
    expect(() => DataFileLock.take(file)).toThrow(DataFileInUseError);
    // Another file's lock is its own.
    DataFileLock.take(fileIn()).release();
    lock.release();
    DataFileLock.take(file).release();
  });

  it("is freed by its process's death, even by kill -9: no stale lock", async () => {
    const file = fileIn();
    const other = holder(file);
    await other.held;
    let refused: unknown;
    try {
      DataFileLock.take(file);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataFileInUseError);
    expect((refused as Error).message).toContain(`${file} is in use by another Drawbridge process`);
    other.child.kill('SIGKILL');
    await other.exited;
    DataFileLock.take(file).release();
  });

  it("an exclusive SqliteStorage holds its file's lock until it closes, and opens nothing when refused", async () => {
    const file = fileIn();
    const storage = new SqliteStorage({ file, exclusive: true });
    await storage.append('board', new Uint8Array([0, 0]));
    expect(() => new SqliteStorage({ file, exclusive: true })).toThrow(DataFileInUseError);
    // Storage that does not ask for the lock (two writers in the storage tests) still opens.
    const shared = new SqliteStorage({ file });
    await shared.close();
    await storage.close();
    const again = new SqliteStorage({ file, exclusive: true });
    expect((await again.load('board')).updates).toHaveLength(1);
    await again.close();
  });
});
