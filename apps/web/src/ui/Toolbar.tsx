import type { Editor } from '../canvas/Editor.js';
import { TOOLS, type ToolSpec } from '../canvas/tools/registry.js';
import { useEditorState } from './hooks.js';
import { Icon, PathIcon } from './Icon.js';

/** What happens after using the tool, so the return to Select is never a surprise. */
function afterUse(tool: ToolSpec): string {
  const hint = tool.hint ? ` — ${tool.hint}` : '';
  if (tool.group === 'view') return hint;
  return tool.sticky
    ? `${hint} — stays active`
    : `${hint} — returns to Select after drawing (lock with Q to keep it)`;
}

const SECTIONS: ToolSpec['group'][] = ['view', 'draw', 'point'];

/** The tools of the registry by section; a read-only board keeps the view-only ones. */
export function Toolbar({ editor, readonly = false }: { editor: Editor; readonly?: boolean }) {
  const { tool, toolLocked } = useEditorState(editor);
  const sections = SECTIONS.map((section) =>
    TOOLS.filter((t) => t.group === section && (!readonly || t.viewOnly)),
  ).filter((list) => list.length > 0);
  return (
    <div className="toolbar panel" role="toolbar" aria-label="Tools">
      {sections.map((group, i) => (
        <div className="toolbar-group" key={group[0]!.id}>
          {i > 0 && <span className="toolbar-divider" aria-hidden="true" />}
          {group.map((spec) => (
            <button
              key={spec.id}
              type="button"
              className="tool-button"
              data-testid={`tool-${spec.id}`}
              aria-label={spec.label}
              aria-pressed={tool === spec.id}
              title={`${spec.label} (${spec.key})${afterUse(spec)}`}
              onClick={() => editor.setTool(spec.id)}
            >
              <PathIcon paths={spec.icon} />
              <span className="tool-key" aria-hidden="true">
                {spec.key}
              </span>
            </button>
          ))}
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
