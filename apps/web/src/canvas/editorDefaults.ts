import { DEFAULT_STYLE } from '@drawbridge/board';
import type { Measure } from './textFit.js';
import type { Style } from './types.js';

export interface EditorOptions {
  measure?: Measure;
  now?: () => number;
  /** Timer used to throttle live writes; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

export const defaultSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

export const INITIAL_STYLE: Style = {
  ...DEFAULT_STYLE,
  textAlign: 'left',
  startHead: 'none',
  endHead: 'arrow',
  route: 'straight',
};
