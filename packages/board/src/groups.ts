/**
 * Groups: each shape lists the groups it belongs to, outermost first (`groupIds`). A group is
 * nothing but that shared id, so there is no group record to dangle or to conflict: grouping
 * and ungrouping are per-shape field edits that merge like any other.
 *
 * The editor looks at one level at a time: the `focus` is the path of groups entered (by a
 * double-click), and a click selects the shape's group one level below it, or the shape itself.
 */
import type { Shape } from './schema.js';

/** Whether the shape lies inside the entered groups. */
export const inFocus = (shape: Shape, focus: readonly string[]): boolean =>
  focus.every((id, i) => shape.groupIds[i] === id);

/** What a click on `shape` selects at this level: the group's id or the shape's own. */
export function entityKey(shape: Shape, focus: readonly string[]): string {
  if (!inFocus(shape, focus)) return shape.groupIds[0] ?? shape.id;
  return shape.groupIds[focus.length] ?? shape.id;
}

/** The shapes that a click on `shape` selects: its whole group at this level, or itself. */
export function entityMembers(
  shape: Shape,
  all: Iterable<Shape>,
  focus: readonly string[],
): Shape[] {
  const level = inFocus(shape, focus) ? focus.length : 0;
  const group = shape.groupIds[level];
  if (!group) return [shape];
  const members: Shape[] = [];
  for (const other of all) if (other.groupIds[level] === group) members.push(other);
  return members;
}

/** Selected shapes bundled by what they belong to at this level (one bundle per group). */
export function entities(shapes: readonly Shape[], focus: readonly string[]): Shape[][] {
  const byKey = new Map<string, Shape[]>();
  for (const shape of shapes) {
    const key = entityKey(shape, focus);
    const list = byKey.get(key);
    if (list) list.push(shape);
    else byKey.set(key, [shape]);
  }
  return [...byKey.values()];
}

/** `groupIds` for each shape put into a new group at this level. */
export function groupPatches(
  shapes: readonly Shape[],
  groupId: string,
  focus: readonly string[],
): { id: string; groupIds: string[] }[] {
  return shapes.map((shape) => {
    const level = inFocus(shape, focus) ? focus.length : 0;
    const ids = [...shape.groupIds];
    ids.splice(level, 0, groupId);
    return { id: shape.id, groupIds: ids };
  });
}

/** `groupIds` for each shape whose group at this level is dissolved; others are left out. */
export function ungroupPatches(
  shapes: readonly Shape[],
  focus: readonly string[],
): { id: string; groupIds: string[] }[] {
  const patches: { id: string; groupIds: string[] }[] = [];
  for (const shape of shapes) {
    const level = inFocus(shape, focus) ? focus.length : 0;
    if (shape.groupIds.length <= level) continue;
    const ids = [...shape.groupIds];
    ids.splice(level, 1);
    patches.push({ id: shape.id, groupIds: ids });
  }
  return patches;
}

/** Whether any of the shapes is grouped at this level (so ungrouping does something). */
export const hasGroupAt = (shapes: readonly Shape[], focus: readonly string[]): boolean =>
  shapes.some((shape) => shape.groupIds.length > (inFocus(shape, focus) ? focus.length : 0));

/**
 * Copies get groups of their own: the same group ids, mapped to new ones, so a duplicated
 * group is a new group and never joins the original.
 */
export function remapGroups<T extends { groupIds?: string[] }>(
  shapes: readonly T[],
  newId: () => string,
): T[] {
  const map = new Map<string, string>();
  const fresh = (id: string) => {
    let next = map.get(id);
    if (!next) {
      next = newId();
      map.set(id, next);
    }
    return next;
  };
  return shapes.map((shape) =>
    shape.groupIds?.length ? { ...shape, groupIds: shape.groupIds.map(fresh) } : shape,
  );
}
