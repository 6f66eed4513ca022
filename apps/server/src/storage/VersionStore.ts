/**
 * A board's versions: full snapshots of its stored content, taken while it is edited and when
 * its last member leaves, thinned by a retention policy. Each records who edited since the
 * version before it and which assets it refers to (assets stay while a kept version needs
 * them). Every backend passes `versionContract.ts`.
 *
 * A version is built from the stored records (never from a node's memory), off the event loop,
 * and only when the board stored something since its newest version. In a cluster the database
 * arbitrates: one writer takes a board's version at a time, and a periodic version is skipped
 * when another writer took one within the interval.
 */
import type { BoardDataStore } from './BoardDataStore.js';

export const VersionReason = {
  /** While the board is edited, at most once per interval. */
  PERIODIC: 'periodic',
  /** The last member on a node left. */
  LEAVE: 'leave',
  /** The server is shutting down with changes not yet in a version. */
  SHUTDOWN: 'shutdown',
} as const;
export type VersionReason = (typeof VersionReason)[keyof typeof VersionReason];

export interface VersionInfo {
  versionId: number;
  boardId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  reason: VersionReason;
  /** Names of who edited the board since the version before (as their presence showed them). */
  editors: string[];
  /** The version holds every stored record up to this seq. */
  throughSeq: number;
  /** Size of the Yjs update it restores (uncompressed). */
  bytes: number;
}

export interface StoredVersion {
  info: VersionInfo;
  /** The board's whole content as one Yjs update. */
  state: Uint8Array;
}

export interface RetentionPolicy {
  /** Every version younger than this is kept. */
  keepAllMs: number;
  /** Past that, the newest version of each (UTC) day younger than this is kept. */
  keepDailyMs: number;
}

export interface TakeOptions {
  reason: VersionReason;
  now: number;
  /** A periodic version is skipped when the newest is younger than this. */
  minIntervalMs: number;
  retention: RetentionPolicy;
}

export type TakeResult =
  | { taken: true; version: VersionInfo; thinned: number }
  | { taken: false; skipped: 'empty' | 'unchanged' | 'recent' | 'locked' };

export interface VersionStore extends BoardDataStore {
  readonly name: 'versions';
  /** Bytes held per board (operators' list of boards). */
  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>>;
  /** Notes that these people edited the board (credited in its next version). */
  noteEditors(boardId: string, names: readonly string[], now: number): Promise<void>;
  take(boardId: string, options: TakeOptions): Promise<TakeResult>;
  /** Newest first. */
  list(boardId: string): Promise<VersionInfo[]>;
  /** The version, decompressed; null when the board has no such version or it is damaged. */
  get(boardId: string, versionId: number): Promise<StoredVersion | null>;
  deleteBoard(boardId: string): Promise<void>;
}
