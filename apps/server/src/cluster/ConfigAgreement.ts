import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';

/**
 * The settings every node of a cluster must share, by name: links minted on one node must open
 * on all of them, and a node left without `AUTH_SECRET` would let anyone edit boards the others
 * lock. `null` means unset.
 */
export type SharedSettings = Record<string, string | null>;

/** Each setting as `unset` or a short hash of its value (never the value: heartbeats travel over Redis). */
export type ConfigFingerprint = Record<string, string>;

export function configFingerprint(settings: SharedSettings): ConfigFingerprint {
  const fingerprint: ConfigFingerprint = {};
  for (const [name, value] of Object.entries(settings)) {
    fingerprint[name] =
      value === null
        ? 'unset'
        : createHash('sha256')
            .update(`drawbridge-config\0${name}\0${value}`)
            .digest('hex')
            .slice(0, FINGERPRINT_HEX);
  }
  return fingerprint;
}

export const FINGERPRINT_HEX = 16;

/**
 * Compares the shared settings other nodes announce in their heartbeats with this node's. A
 * disagreement is logged as an error once per node and setting (again if it changes) and
 * counted in `onChange`'s figure, the nodes that disagree now; nothing is refused: which side
 * is right is the operator's call, and a rolling change of a secret passes through it.
 */
export class ConfigAgreement {
  readonly #own: ConfigFingerprint;
  readonly #logger: Logger;
  readonly #onChange: (disagreeing: number) => void;
  /** Per node, the settings it disagrees on, with the fingerprint reported. */
  readonly #reported = new Map<string, Map<string, string>>();

  constructor(own: ConfigFingerprint, logger: Logger, onChange: (disagreeing: number) => void) {
    this.#own = own;
    this.#logger = logger;
    this.#onChange = onChange;
  }

  /** Node `nodeId` announced `theirs` (absent: a node that does not announce it). */
  heard(nodeId: string, theirs: ConfigFingerprint | undefined): void {
    if (!theirs) return;
    const before = this.#reported.get(nodeId);
    const now = new Map<string, string>();
    for (const [name, mine] of Object.entries(this.#own)) {
      const other = theirs[name];
      if (other === undefined || other === mine) continue;
      now.set(name, other);
      if (before?.get(name) === other) continue;
      const either =
        mine === 'unset' || other === 'unset' ? 'set on one and not the other' : 'different';
      this.#logger.error(
        { node: nodeId, setting: name },
        `${name} is ${either} on this node and node ${nodeId}: every node of a cluster needs the same value`,
      );
    }
    if (now.size > 0) this.#reported.set(nodeId, now);
    else this.#reported.delete(nodeId);
    if (now.size > 0 !== (before !== undefined)) this.#onChange(this.#reported.size);
  }

  /** The node left: it no longer counts. */
  forget(nodeId: string): void {
    if (this.#reported.delete(nodeId)) this.#onChange(this.#reported.size);
  }
}
