import { FONT_FAMILY, LINE_HEIGHT, STICKY_PADDING } from '@drawbridge/board';
import { useLayoutEffect, useRef, useState } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { CANVAS_THEMES, DEFAULT_INK } from '../canvas/render/canvasTheme.js';
import { fitText } from '../canvas/textFit.js';
import type { TextEditing } from '../canvas/types.js';
import { useCameraKey, useEditorState } from './hooks.js';

interface Props {
  editor: Editor;
  theme: 'light' | 'dark';
}

/** The in-place editor for a text or sticky, laid over the canvas where the text is drawn. */
export function TextEditorOverlay({ editor, theme }: Props) {
  const { editing } = useEditorState(editor);
  useCameraKey(editor);
  if (!editing) return null;
  const key = editing.isNew ? `new:${editing.shape.x}:${editing.shape.y}` : editing.shape.id;
  return <InPlaceText key={key} editor={editor} editing={editing} theme={theme} />;
}

function InPlaceText({ editor, editing, theme }: Props & { editing: TextEditing }) {
  const [value, setValue] = useState(() => editor.text.value);
  const ref = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const textarea = ref.current;
    if (!textarea) return;
    // Focus in the same frame as the click that opened it, so typing right away lands here.
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }, []);

  const shape = (editing.isNew ? undefined : editor.store.get(editing.shape.id)) ?? editing.shape;
  if (shape.type !== 'text' && shape.type !== 'sticky') return null;
  const { camera } = editor;
  const zoom = camera.zoom;
  const sticky = shape.type === 'sticky';
  const pad = sticky ? STICKY_PADDING : 0;
  const size = fitText(shape, value || ' ', editor.measure);
  const topLeft = camera.boardToScreen({ x: shape.x + pad, y: shape.y + pad });
  const fontSize = shape.fontSize * zoom;
  const ink = !sticky && shape.stroke === DEFAULT_INK ? CANVAS_THEMES[theme].ink : shape.stroke;

  return (
    <textarea
      ref={ref}
      className={`text-editor${sticky ? ' text-editor-sticky' : ''}`}
      data-testid="text-editor"
      aria-label={sticky ? 'Sticky note text' : 'Text'}
      value={value}
      wrap={sticky ? 'soft' : 'off'}
      spellCheck={false}
      style={{
        left: topLeft.x,
        top: topLeft.y,
        // Text grows with its content (plus room for the caret); notes wrap at their width.
        width: sticky ? (shape.w - pad * 2) * zoom : size.w * zoom + fontSize,
        height: sticky ? (size.h - pad * 2) * zoom : size.h * zoom,
        fontSize,
        fontFamily: FONT_FAMILY,
        lineHeight: LINE_HEIGHT,
        color: ink,
      }}
      onChange={(e) => {
        setValue(e.target.value);
        editor.text.setValue(e.target.value);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
          e.preventDefault();
          editor.text.commit();
        }
      }}
      onBlur={() => editor.text.commit()}
    />
  );
}
