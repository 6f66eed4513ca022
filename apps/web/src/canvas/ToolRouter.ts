import type { Point } from '@drawbridge/board';
import type { Editor } from './Editor.js';
import { createTools, type ToolId, toolSpec } from './tools/registry.js';
import type { Tool } from './tools/Tool.js';
import type { PointerInput } from './types.js';

/**
 * The current tool and the pointer input it receives: switching tools (a read-only board
 * keeps the view-only ones), handing back to select after a shape is made, and ending a text
 * edit on a click elsewhere.
 */
export class ToolRouter {
  readonly #editor: Editor;
  readonly #tools: Record<ToolId, Tool>;

  constructor(editor: Editor) {
    this.#editor = editor;
    this.#tools = createTools(editor);
  }

  get tool(): Tool {
    return this.#tools[this.#editor.state.tool];
  }

  setTool(tool: ToolId): void {
    const editor = this.#editor;
    const spec = toolSpec(tool);
    if (editor.readonly && !spec.viewOnly) return;
    if (tool === editor.state.tool && !editor.state.editing) return;
    this.tool.cancel();
    editor.text.commit();
    editor.overlay.hoverId = null;
    const clearSelection = spec.creates !== undefined || tool === 'eraser';
    editor.setState({ tool, ...(clearSelection ? { selection: [], focus: [] } : {}) });
  }

  /** After a tool created shapes: select them, and hand back to select unless told not to. */
  finishCreation(ids: readonly string[]): void {
    const editor = this.#editor;
    const keep = editor.state.toolLocked || toolSpec(editor.state.tool).sticky;
    editor.setState({ selection: [...ids], ...(keep ? {} : { tool: 'select' as const }) });
  }

  down(input: PointerInput): void {
    this.#track(input);
    if (this.#editor.state.editing) {
      // A click away from the text being edited ends the edit, like the blur would.
      this.#editor.text.commit();
      return;
    }
    this.tool.down(input);
  }

  move(input: PointerInput): void {
    this.#track(input);
    this.tool.move(input);
  }

  up(input: PointerInput): void {
    this.#track(input);
    this.tool.up(input);
  }

  cancel(): void {
    this.tool.cancel();
    if (this.#editor.live.active) this.#editor.endGesture();
  }

  leave(): void {
    this.#editor.pointer = null;
    this.#editor.setHover(null);
    this.#editor.pointerMoved.emit();
  }

  #track(p: Point): void {
    this.#editor.pointer = { x: p.x, y: p.y };
    this.#editor.pointerMoved.emit();
  }
}
