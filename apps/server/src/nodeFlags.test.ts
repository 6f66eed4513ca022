import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './nodeFlags.js';

const startScript = (packageJson: URL): string =>
  (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: { start: string } }).scripts.start;

describe('SERVER_NODE_FLAGS', () => {
  it('is what `pnpm start` runs the server with, from the root and from apps/server', () => {
    const root = startScript(new URL('../../../package.json', import.meta.url));
    const server = startScript(new URL('../package.json', import.meta.url));
    const flags = SERVER_NODE_FLAGS.join(' ');
    expect(root).toContain(`node ${flags} apps/server/dist/main.js`);
    expect(server).toContain(`node ${flags} dist/main.js`);
  });
});
