/** Every scenario of `pnpm bench`, in the order they run. Adding one: a file and a line here. */
import type { Scenario } from '../lib/scenario.js';
import { coldJoin } from './coldJoin.js';
import { crossNode } from './crossNode.js';
import { fanout } from './fanout.js';
import { flood } from './flood.js';
import { idle } from './idle.js';
import { images } from './images.js';
import { largeBoards } from './largeBoards.js';
import { latency } from './latency.js';
import { mixed } from './mixed.js';
import { reconnect } from './reconnect.js';
import { render } from './render.js';
import { storage } from './storage.js';

export const SCENARIOS: readonly Scenario[] = [
  fanout,
  latency,
  flood,
  mixed,
  images,
  largeBoards,
  coldJoin,
  idle,
  reconnect,
  render,
  storage,
  crossNode,
];
