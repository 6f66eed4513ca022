import { TOOL_KEYS } from '../app/shortcuts.js';
import type { Editor } from '../canvas/Editor.js';
import { STICKY_TOOLS, type ToolId } from '../canvas/types.js';
import { useEditorState } from './hooks.js';
import { Icon } from './Icon.js';

const TOOLS: { id: ToolId; label: string; testId: string }[] = [
  { id: 'select', label: 'Select', testId: 'tool-select' },
  { id: 'hand', label: 'Hand (pan)', testId: 'tool-hand' },
  { id: 'pen', label: 'Pen', testId: 'tool-pen' },
  { id: 'rect', label: 'Rectangle', testId: 'tool-rect' },
  { id: 'ellipse', label: 'Ellipse', testId: 'tool-ellipse' },
  { id: 'line', label: 'Line', testId: 'tool-line' },
  { id: 'arrow', label: 'Arrow', testId: 'tool-arrow' },
  { id: 'text', label: 'Text', testId: 'tool-text' },
  { id: 'sticky', label: 'Sticky note', testId: 'tool-sticky' },
  { id: 'eraser', label: 'Eraser', testId: 'tool-eraser' },
];

/** What happens after using the tool, so the return to Select is never a surprise. */
function afterUse(id: ToolId): string {
  if (id === 'select' || id === 'hand') return '';
  return STICKY_TOOLS.has(id)
    ? ' — stays active'
    : ' — returns to Select after drawing (lock with Q to keep it)';
}

const GROUPS: ToolId[][] = [
  ['select', 'hand'],
  ['pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'sticky'],
  ['eraser'],
];

/** Read-only boards keep the tools that only look: select and pan. */
const VIEW_GROUPS: ToolId[][] = [['select', 'hand']];

export function Toolbar({ editor, readonly = false }: { editor: Editor; readonly?: boolean }) {
  const { tool, toolLocked } = useEditorState(editor);
  return (
    <div className="toolbar panel" role="toolbar" aria-label="Tools">
      {(readonly ? VIEW_GROUPS : GROUPS).map((group, i) => (
        <div className="toolbar-group" key={group[0]}>
          {i > 0 && <span className="toolbar-divider" aria-hidden="true" />}
          {group.map((id) => {
            const info = TOOLS.find((t) => t.id === id)!;
            const key = TOOL_KEYS[id];
            return (
              <button
                key={id}
                type="button"
                className="tool-button"
                data-testid={info.testId}
                aria-label={info.label}
                aria-pressed={tool === id}
                title={`${info.label} (${key})${afterUse(id)}`}
                onClick={() => editor.setTool(id)}
              >
                <Icon name={id} />
                <span className="tool-key" aria-hidden="true">
                  {key}
                </span>
              </button>
            );
          })}
        </div>
      ))}
      {!readonly && <ToolLock locked={toolLocked} onToggle={() => editor.toggleToolLock()} />}
    </div>
  );
}

function ToolLock({ locked, onToggle }: { locked: boolean; onToggle: () => void }) {
  return (
    <>
      <span className="toolbar-divider" aria-hidden="true" />
      <button
        type="button"
        className="tool-button"
        aria-label="Keep tool active"
        aria-pressed={locked}
        title="Keep the current tool active after drawing (Q)"
        onClick={onToggle}
      >
        <Icon name={locked ? 'lock' : 'unlock'} size={18} />
      </button>
    </>
  );
}
