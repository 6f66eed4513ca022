import { PALETTE, type Shape, type ShapeType, STICKY_COLORS } from '@drawbridge/board';
import { type CSSProperties, type ReactNode, useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { DEFAULT_INK } from '../canvas/render/canvasTheme.js';
import type { Style, ToolId } from '../canvas/types.js';
import { useEditorState } from './hooks.js';
import { Icon } from './Icon.js';

const FILLS = ['none', '#ffc9c9', '#ffec99', '#b2f2bb', '#a5d8ff', '#eebefa', '#e9ecef'] as const;
const WIDTHS = [
  { value: 2, label: 'Thin' },
  { value: 4, label: 'Medium' },
  { value: 8, label: 'Bold' },
] as const;
const FONT_SIZES = [
  { value: 16, label: 'S' },
  { value: 24, label: 'M' },
  { value: 36, label: 'L' },
  { value: 56, label: 'XL' },
] as const;

const TOOL_SHAPES: Partial<Record<ToolId, ShapeType>> = {
  pen: 'pen',
  rect: 'rect',
  ellipse: 'ellipse',
  line: 'line',
  arrow: 'arrow',
  text: 'text',
  sticky: 'sticky',
};

const COLOR_NAMES: Record<string, string> = {
  '#1e1e1e': 'Black',
  '#e03131': 'Red',
  '#2f9e44': 'Green',
  '#1971c2': 'Blue',
  '#f08c00': 'Orange',
  '#9c36b5': 'Purple',
  '#0c8599': 'Teal',
  '#868e96': 'Grey',
  '#ffffff': 'White',
  none: 'No fill',
  '#ffc9c9': 'Pink',
  '#ffec99': 'Yellow',
  '#b2f2bb': 'Mint',
  '#a5d8ff': 'Sky',
  '#eebefa': 'Lilac',
  '#e9ecef': 'Light grey',
};

/** The style shown: the first selected shape's, else the style for new shapes. */
function shownStyle(style: Style, first: Shape | undefined): Style {
  if (!first) return style;
  return {
    stroke: first.stroke,
    fill: first.fill,
    strokeWidth:
      first.type === 'text' || first.type === 'sticky' ? style.strokeWidth : first.strokeWidth,
    fontSize: 'fontSize' in first ? first.fontSize : style.fontSize,
  };
}

/** Stroke, fill, width and font size for the selection and new shapes, plus selection actions. */
export function StylePanel({ editor }: { editor: Editor }) {
  const state = useEditorState(editor);
  const subscribeStore = useCallback(
    (notify: () => void) => editor.store.subscribe(notify),
    [editor],
  );
  // Re-read selected shapes when the board changes (e.g. an undo restyles them).
  useSyncExternalStore(subscribeStore, () => editor.store.version);
  // While text is edited, the panel shows that text's style; a click on it ends the edit
  // (the editor's blur commits) and then applies to the text, which is selected by then.
  const editing = state.editing;
  const selected = editing ? [] : editor.selectedShapes();
  const toolType = TOOL_SHAPES[state.tool];
  const types = new Set<ShapeType>(selected.map((s) => s.type));
  if (editing) types.add(editing.shape.type);
  else if (selected.length === 0 && toolType) types.add(toolType);
  if (types.size === 0) return null;

  const style = shownStyle(state.style, editing?.shape ?? selected[0]);
  const set = (patch: Partial<Style>) => editor.commands.setStyle(patch);
  const has = (...list: ShapeType[]) => list.some((t) => types.has(t));
  const onlySticky = [...types].every((t) => t === 'sticky');
  const fills = onlySticky ? STICKY_COLORS : FILLS;

  return (
    <aside className="style-panel panel" data-testid="style-panel" aria-label="Style">
      <Section title={has('text', 'sticky') && types.size === 1 ? 'Text colour' : 'Stroke'}>
        <div className="swatches">
          {PALETTE.map((color) => (
            <Swatch
              key={color}
              color={color}
              active={style.stroke === color}
              onPick={() => set({ stroke: color })}
            />
          ))}
        </div>
      </Section>
      {has('rect', 'ellipse', 'sticky') && (
        <Section title={onlySticky ? 'Note colour' : 'Fill'}>
          <div className="swatches">
            {fills.map((color) => (
              <Swatch
                key={color}
                color={color}
                active={style.fill === color}
                onPick={() => set({ fill: color })}
              />
            ))}
          </div>
        </Section>
      )}
      {has('rect', 'ellipse', 'line', 'arrow', 'pen') && (
        <Section title="Stroke width">
          <div className="segmented">
            {WIDTHS.map(({ value, label }) => (
              <button
                key={value}
                type="button"
                className="segment"
                aria-pressed={style.strokeWidth === value}
                aria-label={label}
                title={label}
                onClick={() => set({ strokeWidth: value })}
              >
                <span className="width-sample" style={{ height: Math.max(1.5, value / 1.5) }} />
              </button>
            ))}
          </div>
        </Section>
      )}
      {has('text', 'sticky') && (
        <Section title="Font size">
          <div className="segmented">
            {FONT_SIZES.map(({ value, label }) => (
              <button
                key={value}
                type="button"
                className="segment"
                aria-pressed={style.fontSize === value}
                aria-label={`Font size ${label}`}
                title={`${value}px`}
                onClick={() => set({ fontSize: value })}
              >
                {label}
              </button>
            ))}
          </div>
        </Section>
      )}
      {selected.length > 0 && (
        <Section title="Actions">
          <div className="action-row">
            <ActionButton
              testId="bring-front"
              icon="front"
              label="Bring to front (Ctrl+])"
              onClick={() => editor.commands.bringToFront()}
            />
            <ActionButton
              testId="send-back"
              icon="back"
              label="Send to back (Ctrl+[)"
              onClick={() => editor.commands.sendToBack()}
            />
            <ActionButton
              testId="duplicate"
              icon="duplicate"
              label="Duplicate (Ctrl+D)"
              onClick={() => editor.commands.duplicate()}
            />
            <ActionButton
              testId="delete"
              icon="trash"
              label="Delete (Delete)"
              danger
              onClick={() => editor.commands.deleteSelection()}
            />
          </div>
        </Section>
      )}
    </aside>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="style-section">
      <h2 className="style-title">{title}</h2>
      {children}
    </section>
  );
}

function Swatch(props: { color: string; active: boolean; onPick: () => void }) {
  const name = COLOR_NAMES[props.color] ?? props.color;
  return (
    <button
      type="button"
      className={`swatch${props.color === 'none' ? ' swatch-none' : ''}`}
      style={props.color === 'none' ? undefined : ({ '--swatch': props.color } as CSSProperties)}
      data-ink={props.color === DEFAULT_INK ? 'default' : undefined}
      aria-pressed={props.active}
      aria-label={name}
      title={name}
      onClick={props.onPick}
    />
  );
}

function ActionButton(props: {
  testId: string;
  icon: 'front' | 'back' | 'duplicate' | 'trash';
  label: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`icon-button${props.danger ? ' danger' : ''}`}
      data-testid={props.testId}
      aria-label={props.label}
      title={props.label}
      onClick={props.onClick}
    >
      <Icon name={props.icon} size={16} />
    </button>
  );
}
