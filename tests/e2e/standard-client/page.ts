/**
 * Browser entry for standard-msgpack-client.e2e.ts, bundled with esbuild for the browser (so
 * socket.io-msgpack-parser resolves to notepack.io's browser build): puts a standard client
 * factory on `window.standard`.
 */
import * as parser from 'socket.io-msgpack-parser';
import * as Y from 'yjs';
import { StandardClient, type StandardClientOptions } from '../../utils/standardClient.js';

export interface StandardPage {
  connect(options: Omit<StandardClientOptions, 'parser'>): Promise<StandardClient>;
  Y: typeof Y;
}

const standard: StandardPage = {
  connect: (options) => StandardClient.connect({ ...options, parser }),
  Y,
};
(globalThis as { standard?: StandardPage }).standard = standard;
