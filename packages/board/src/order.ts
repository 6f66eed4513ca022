import type { Shape } from './schema.js';

/** Paint order: by fractional index, ties (concurrent inserts) broken by id. */
export const compareShapes = (a: Shape, b: Shape): number =>
  a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
