import {
  ARROWHEADS,
  entities,
  hasLabel,
  isSegment,
  PALETTE,
  ROUTES,
  type Shape,
  type ShapeType,
  STICKY_COLORS,
  STROKE_DASHES,
  TEXT_ALIGNS,
} from '@drawbridge/board';
import { useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { toolSpec } from '../canvas/tools/registry.js';
import type { Style } from '../canvas/types.js';
import { useEditorState } from './hooks.js';
import { ArrangeSection } from './style/ArrangeSection.js';
import { LineSample, Section, Segmented, Swatch } from './style/controls.js';

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
const OPACITIES = [1, 0.75, 0.5, 0.25] as const;
const BOXES: ShapeType[] = ['rect', 'ellipse', 'diamond'];
const SEGMENTS: ShapeType[] = ['line', 'arrow'];

/** The style shown: the first selected shape's, else the style for new shapes. */
function shownStyle(style: Style, first: Shape | undefined): Style {
  if (!first) return style;
  const text = first.type === 'text' || first.type === 'sticky';
  return {
    ...style,
    stroke: first.stroke,
    fill: first.fill,
    strokeWidth: text ? style.strokeWidth : first.strokeWidth,
    opacity: first.opacity,
    dash: first.dash,
    fontSize: 'fontSize' in first ? first.fontSize : style.fontSize,
    textAlign: 'textAlign' in first ? first.textAlign : style.textAlign,
    ...(isSegment(first)
      ? { startHead: first.startHead, endHead: first.endHead, route: first.route }
      : {}),
  };
}

/**
 * Stroke, fill, width, dash, opacity, text and arrow styles for the selection and new shapes,
 * plus the selection's actions; only what the selected (or about to be drawn) types use.
 */
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
  const editingShape = state.editing ? editor.text.shape() : null;
  const selected = state.editing ? [] : editor.selectedShapes();
  const toolType = toolSpec(state.tool).creates;
  const types = new Set<ShapeType>(selected.map((s) => s.type));
  if (editingShape) types.add(editingShape.type);
  else if (selected.length === 0 && toolType) types.add(toolType);
  if (types.size === 0) return null;

  const style = shownStyle(state.style, editingShape ?? selected[0]);
  const set = (patch: Partial<Style>) => editor.commands.setStyle(patch);
  const has = (...list: ShapeType[]) => list.some((t) => types.has(t));
  const onlySticky = [...types].every((t) => t === 'sticky');
  // A picture has no stroke of its own: only opacity (and arranging) applies.
  const onlyImages = [...types].every((t) => t === 'image');
  const fills = onlySticky ? STICKY_COLORS : FILLS;
  const labelled = selected.some((s) => hasLabel(s) && s.label.length > 0);
  const texty =
    has('text', 'sticky') || labelled || (editingShape !== null && hasLabel(editingShape));

  return (
    <aside className="style-panel panel" data-testid="style-panel" aria-label="Style">
      {!onlyImages && (
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
      )}
      {has(...BOXES, 'sticky') && (
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
      {has(...BOXES, ...SEGMENTS, 'pen') && (
        <Section title="Stroke width">
          <Segmented
            testId="width"
            value={style.strokeWidth}
            onPick={(strokeWidth) => set({ strokeWidth })}
            options={WIDTHS.map(({ value, label }) => ({
              value,
              label,
              content: (
                <span className="width-sample" style={{ height: Math.max(1.5, value / 1.5) }} />
              ),
            }))}
          />
        </Section>
      )}
      {has(...BOXES, ...SEGMENTS) && (
        <Section title="Stroke style">
          <Segmented
            testId="dash"
            value={style.dash}
            onPick={(dash) => set({ dash })}
            options={STROKE_DASHES.map((dash) => ({
              value: dash,
              label: dash,
              content: <LineSample dash={dash} />,
            }))}
          />
        </Section>
      )}
      <Section title="Opacity">
        <Segmented
          testId="opacity"
          value={style.opacity}
          onPick={(opacity) => set({ opacity })}
          options={OPACITIES.map((value) => ({
            value,
            label: `Opacity ${value * 100}%`,
            content: `${value * 100}`,
          }))}
        />
      </Section>
      {texty && (
        <Section title="Text">
          <Segmented
            testId="font-size"
            value={style.fontSize}
            onPick={(fontSize) => set({ fontSize })}
            options={FONT_SIZES.map(({ value, label }) => ({
              value,
              label: `Font size ${label}`,
              content: label,
            }))}
          />
        </Section>
      )}
      {(texty || has(...BOXES)) && (
        <Section title="Text align">
          <Segmented
            testId="text-align"
            value={style.textAlign}
            onPick={(textAlign) => set({ textAlign })}
            options={TEXT_ALIGNS.map((align) => ({
              value: align,
              label: `Align ${align}`,
              content: align[0]!.toUpperCase(),
            }))}
          />
        </Section>
      )}
      {has(...SEGMENTS) && <ArrowSection style={style} set={set} />}
      {selected.length > 0 && (
        <ArrangeSection editor={editor} count={entities(selected, state.focus).length} />
      )}
    </aside>
  );
}

function ArrowSection({ style, set }: { style: Style; set: (patch: Partial<Style>) => void }) {
  return (
    <>
      <Section title="Arrowheads">
        <Segmented
          testId="start-head"
          value={style.startHead}
          onPick={(startHead) => set({ startHead })}
          options={ARROWHEADS.map((head) => ({
            value: head,
            label: `Start: ${head}`,
            content: <LineSample head={head} />,
          }))}
        />
        <Segmented
          testId="end-head"
          value={style.endHead}
          onPick={(endHead) => set({ endHead })}
          options={ARROWHEADS.map((head) => ({
            value: head,
            label: `End: ${head}`,
            content: <LineSample head={head} />,
          }))}
        />
      </Section>
      <Section title="Route">
        <Segmented
          testId="route"
          value={style.route}
          onPick={(route) => set({ route })}
          options={ROUTES.map((route) => ({ value: route, label: route, content: route }))}
        />
      </Section>
    </>
  );
}
