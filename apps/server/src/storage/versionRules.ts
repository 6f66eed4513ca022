import type { RetentionPolicy, TakeOptions, VersionInfo, VersionReason } from './VersionStore.js';

/** A `versions` row as either database returns it (PostgreSQL's int8 comes as a string). */
export interface VersionRow {
  version_id: number | string;
  board_id: string;
  created_at: number | string;
  reason: string;
  editors: string;
  through_seq: number | string;
  bytes: number;
}

export const VERSION_COLUMNS =
  'version_id, board_id, created_at, reason, editors, through_seq, bytes';

export function readVersionRow(row: VersionRow): VersionInfo {
  let editors: string[] = [];
  try {
    const parsed = JSON.parse(row.editors) as unknown;
    if (Array.isArray(parsed)) editors = parsed.filter((n): n is string => typeof n === 'string');
  } catch {
    // A damaged list credits nobody rather than hiding the version.
  }
  return {
    versionId: Number(row.version_id),
    boardId: row.board_id,
    createdAt: Number(row.created_at),
    reason: row.reason as VersionReason,
    editors,
    throughSeq: Number(row.through_seq),
    bytes: Number(row.bytes),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Which versions a retention policy drops: everything younger than `keepAllMs` stays; older,
 * the newest of each UTC day stays while younger than `keepDailyMs`; the rest goes. The newest
 * version always stays (it is the board's reference for keeping assets). Pure, so every node
 * thinning the same list drops the same versions.
 */
export function versionsToDrop(
  versions: readonly { versionId: number; createdAt: number }[],
  now: number,
  policy: RetentionPolicy,
): number[] {
  const newestFirst = [...versions].sort(
    (a, b) => b.createdAt - a.createdAt || b.versionId - a.versionId,
  );
  const daysKept = new Set<number>();
  const drop: number[] = [];
  for (const [i, version] of newestFirst.entries()) {
    const age = now - version.createdAt;
    const day = Math.floor(version.createdAt / DAY_MS);
    // A day with a version kept already (by any rule) needs no older one.
    const firstOfDay = !daysKept.has(day);
    daysKept.add(day);
    if (i === 0 || age < policy.keepAllMs) continue;
    if (age < policy.keepDailyMs && firstOfDay) continue;
    drop.push(version.versionId);
  }
  return drop;
}

/**
 * Why a version should not be taken now, from the board's head (its last stored seq) and its
 * newest version: nothing stored, nothing stored since, or (periodic only) one taken recently.
 */
export function skipReason(
  head: number,
  newest: { createdAt: number; throughSeq: number } | undefined,
  options: TakeOptions,
): 'empty' | 'unchanged' | 'recent' | null {
  if (head === 0) return 'empty';
  if (newest && newest.throughSeq >= head) return 'unchanged';
  if (
    options.reason === 'periodic' &&
    newest &&
    options.now - newest.createdAt < options.minIntervalMs
  ) {
    return 'recent';
  }
  return null;
}
