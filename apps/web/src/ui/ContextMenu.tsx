import type { Point } from '@drawbridge/board';
import { entities } from '@drawbridge/board';
import { useEffect, useRef } from 'react';
import type { Editor } from '../canvas/Editor.js';

/** Where the menu was asked for: the screen point (CSS px, in the board) and the board point. */
export interface MenuRequest {
  screen: Point;
  board: Point;
}

interface Item {
  id: string;
  label: string;
  keys?: string;
  run(): void;
}

/**
 * The common actions for what was right-clicked: the shape under the pointer is selected
 * first (a locked one offers to unlock it), the empty board offers view actions.
 */
export function menuItems(
  editor: Editor,
  request: MenuRequest,
  ui: { openFind(): void; openHelp(): void },
): Item[] {
  const { commands, arrange } = editor;
  const view: Item[] = [
    { id: 'zoom-fit', label: 'Zoom to fit', keys: 'Shift+1', run: () => commands.zoomToFit() },
    { id: 'find', label: 'Find…', keys: 'Ctrl+F', run: ui.openFind },
    { id: 'help', label: 'Keyboard shortcuts', keys: '?', run: ui.openHelp },
  ];
  const hit = editor.hitTest(request.board, 6, true);
  const shape = hit ? editor.store.get(hit) : undefined;
  if (editor.readonly) return view;
  if (shape?.locked) {
    return [
      { id: 'unlock', label: 'Unlock', run: () => arrange.setLocked(false, [shape.id]) },
      ...view,
    ];
  }
  if (shape && !editor.selection.includes(shape.id)) {
    editor.groups.focusOn(shape.id);
    editor.select(editor.groups.entityOf(shape.id));
  }
  if (!shape) editor.select([]);
  const selected = editor.selectedShapes();
  if (selected.length === 0) {
    return [
      { id: 'select-all', label: 'Select all', keys: 'Ctrl+A', run: () => editor.selectAll() },
      ...view,
    ];
  }
  const count = entities(selected, editor.state.focus).length;
  const items: Item[] = [];
  if (selected.length === 1)
    items.push({
      id: 'edit',
      label: 'Edit text',
      keys: 'Enter',
      run: () => commands.editSelected(),
    });
  items.push(
    { id: 'duplicate', label: 'Duplicate', keys: 'Ctrl+D', run: () => commands.duplicate() },
    { id: 'delete', label: 'Delete', keys: 'Delete', run: () => commands.deleteSelection() },
    { id: 'front', label: 'Bring to front', keys: 'Ctrl+]', run: () => commands.bringToFront() },
    { id: 'back', label: 'Send to back', keys: 'Ctrl+[', run: () => commands.sendToBack() },
  );
  if (arrange.canGroup())
    items.push({ id: 'group', label: 'Group', keys: 'Ctrl+G', run: () => arrange.group() });
  if (arrange.canUngroup())
    items.push({
      id: 'ungroup',
      label: 'Ungroup',
      keys: 'Ctrl+Shift+G',
      run: () => arrange.ungroup(),
    });
  items.push(
    { id: 'lock', label: 'Lock', keys: 'Ctrl+Shift+L', run: () => arrange.setLocked(true) },
    { id: 'rotate', label: 'Rotate 90°', run: () => arrange.rotateQuarter(1) },
  );
  if (count >= 2) {
    for (const mode of ['left', 'center', 'right', 'top', 'middle', 'bottom'] as const) {
      items.push({ id: `align-${mode}`, label: `Align ${mode}`, run: () => arrange.align(mode) });
    }
  }
  if (count >= 3) {
    items.push(
      { id: 'distribute-x', label: 'Distribute horizontally', run: () => arrange.distribute('x') },
      { id: 'distribute-y', label: 'Distribute vertically', run: () => arrange.distribute('y') },
    );
  }
  return [...items, ...view];
}

export function ContextMenu(props: { at: Point; items: Item[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="context-menu panel"
      role="menu"
      data-testid="context-menu"
      style={{ left: props.at.x, top: props.at.y }}
    >
      {props.items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          className="context-item"
          data-testid={`menu-${item.id}`}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          <span>{item.label}</span>
          {item.keys && <kbd>{item.keys}</kbd>}
        </button>
      ))}
    </div>
  );
}
