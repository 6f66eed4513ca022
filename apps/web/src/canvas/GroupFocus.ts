import { entityMembers, inFocus, isBox, outlineContains, type Point } from '@drawbridge/board';
import type { Editor } from './Editor.js';
import { toolSpec } from './tools/registry.js';

/**
 * The selection and the groups entered: a click selects a shape's group one level below the
 * entered ones (`state.focus`), a double-click enters a group, Escape leaves it. Locked shapes
 * never join the selection.
 */
export class GroupFocus {
  readonly #editor: Editor;

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  select(ids: readonly string[]): void {
    const editor = this.#editor;
    const unique = [...new Set(ids)].filter((id) => editor.store.get(id)?.locked === false);
    const current = editor.state.selection;
    if (unique.length === current.length && unique.every((id, i) => id === current[i])) return;
    editor.setState({ selection: unique });
  }

  selectAll(): void {
    const editor = this.#editor;
    const tool = editor.state.tool;
    if (!toolSpec(tool).viewOnly || tool === 'laser') editor.setTool('select');
    editor.setState({ focus: [] });
    this.select(editor.store.all().map((s) => s.id));
  }

  /** The shapes a click on `id` selects: its group at the current level, or itself. */
  entityOf(id: string): string[] {
    const { store, state } = this.#editor;
    const shape = store.get(id);
    if (!shape) return [];
    return entityMembers(shape, store.all(), state.focus).map((s) => s.id);
  }

  /** Leaves the entered groups that `id` is not in (all of them for null). */
  focusOn(id: string | null): void {
    const editor = this.#editor;
    const focus = editor.state.focus;
    if (focus.length === 0) return;
    const shape = id ? editor.store.get(id) : undefined;
    if (!shape || !inFocus(shape, focus)) editor.setState({ focus: [] });
  }

  /** Up one level, selecting the group just left; false when no group is entered. */
  exit(): boolean {
    const editor = this.#editor;
    const focus = editor.state.focus;
    if (focus.length === 0) return false;
    const left = focus[focus.length - 1]!;
    const members = editor.store.all().filter((s) => s.groupIds.includes(left));
    editor.setState({ focus: focus.slice(0, -1) });
    this.select(members.map((s) => s.id));
    return true;
  }

  /** See Editor.doubleClick. */
  doubleClick(p: Point): void {
    const editor = this.#editor;
    if (editor.state.tool !== 'select' || editor.readonly) return;
    // Inside an unfilled box counts too: that is where its label goes.
    const id = editor.hitTest(p) ?? this.#boxAround(p);
    const shape = id ? editor.store.get(id) : undefined;
    if (!shape) {
      editor.text.draft('text', p);
      return;
    }
    const focus = editor.state.focus;
    const level = inFocus(shape, focus) ? focus.length : 0;
    if (shape.groupIds.length > level) {
      editor.setState({ focus: shape.groupIds.slice(0, level + 1) });
      this.select(this.entityOf(shape.id));
      return;
    }
    if (shape.type !== 'pen') editor.text.edit(shape.id);
  }

  /** The topmost unlocked box whose outline encloses `p`. */
  #boxAround(p: Point): string | null {
    const candidates = this.#editor.shapesIn({ x: p.x, y: p.y, w: 0, h: 0 });
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!;
      if (!shape.locked && isBox(shape) && outlineContains(shape, p)) return shape.id;
    }
    return null;
  }
}
