import { FONT_FAMILY, LINE_HEIGHT } from '@drawbridge/board';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type * as Y from 'yjs';
import type { Editor } from '../canvas/Editor.js';
import { CANVAS_THEMES, DEFAULT_INK } from '../canvas/render/canvasTheme.js';
import { transformIndex } from '../canvas/textCaret.js';
import type { TextEditing } from '../canvas/types.js';
import type { CaretChannel } from '../collab/caretChannel.js';
import { useCameraKey, useEditorState } from './hooks.js';
import { editorBox } from './text/editorBox.js';
import { RemoteCarets } from './text/RemoteCarets.js';

interface Props {
  editor: Editor;
  theme: 'light' | 'dark';
  carets?: CaretChannel;
}

/** The in-place editor for a text, a note or a label, laid over the canvas where it is drawn. */
export function TextEditorOverlay({ editor, theme, carets }: Props) {
  const { editing } = useEditorState(editor);
  useCameraKey(editor);
  if (!editing) return null;
  const key = editing.isNew ? `new:${editing.draft?.x}:${editing.draft?.y}` : editing.shapeId;
  return <InPlaceText key={key} editor={editor} editing={editing} theme={theme} carets={carets} />;
}

function InPlaceText({ editor, editing, theme, carets }: Props & { editing: TextEditing }) {
  // The textarea is uncontrolled: remote typing is written into it directly (keeping the
  // caret), and a React render must never put back an older value, or the next keystroke
  // would be diffed against text that lacks the other person's words. `value` mirrors it for
  // layout only.
  const [value, setValue] = useState(() => editor.text.value);
  const [initial] = useState(value);
  const ref = useRef<HTMLTextAreaElement>(null);
  const subscribeStore = useCallback(
    (notify: () => void) => editor.store.subscribe(notify),
    [editor],
  );
  // The shape may move, resize or be restyled by others while it is edited.
  useSyncExternalStore(subscribeStore, () => editor.store.version);
  const noCarets = useCallback(() => () => {}, []);
  useSyncExternalStore(carets?.changed.subscribe ?? noCarets, () => carets?.version ?? 0);

  const publish = useCallback(() => {
    const el = ref.current;
    const text = editor.text.yText();
    if (!el || !carets) return;
    const target = text ? { shapeId: editing.shapeId, field: editing.field, text } : null;
    carets.publish(target, el.selectionStart, el.selectionEnd);
  }, [editor, editing, carets]);

  useLayoutEffect(() => {
    const textarea = ref.current;
    if (!textarea) return;
    // Focus in the same frame as the click that opened it, so typing right away lands here.
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    publish();
  }, [publish]);

  useEffect(() => () => carets?.publish(null, 0, 0), [carets]);

  // Someone else's typing (or an undo) arrives in the Y.Text: show it, keeping the caret.
  useEffect(() => {
    if (editing.isNew) return;
    let observed: Y.Text | null = null;
    const onText = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      const el = ref.current;
      if (!el || !observed || transaction.origin === editor.model.origin) return;
      const start = transformIndex(el.selectionStart, event.delta);
      const end = transformIndex(el.selectionEnd, event.delta);
      const next = observed.toString();
      el.value = next;
      setValue(next);
      el.setSelectionRange(start, end);
    };
    const attach = () => {
      const text = editor.text.yText();
      if (text !== observed) {
        observed?.unobserve(onText);
        observed = text;
        observed?.observe(onText);
      }
      const el = ref.current;
      const next = editor.text.value;
      if (el && el.value !== next) {
        const caret = Math.min(el.selectionStart, next.length);
        el.value = next;
        setValue(next);
        el.setSelectionRange(caret, caret);
      }
    };
    attach();
    const off = editor.store.subscribe((ids) => {
      if (ids.has(editing.shapeId)) attach();
    });
    return () => {
      off();
      observed?.unobserve(onText);
    };
  }, [editor, editing]);

  const shape = editor.text.shape();
  const box = shape ? editorBox(shape, value, editor.camera, editor.measure) : null;
  if (!shape || !box) return null;
  const ink =
    shape.type !== 'sticky' && shape.stroke === DEFAULT_INK
      ? CANVAS_THEMES[theme].ink
      : shape.stroke;
  const remote = carets ? carets.remote(editing.shapeId, editing.field, editor.text.yText()) : [];
  const label =
    shape.type === 'sticky' ? 'Sticky note text' : shape.type === 'text' ? 'Text' : 'Label';

  return (
    <>
      <textarea
        ref={ref}
        className={`text-editor${box.wrap ? ' text-editor-wrap' : ''}`}
        data-testid="text-editor"
        aria-label={label}
        defaultValue={initial}
        wrap={box.wrap ? 'soft' : 'off'}
        spellCheck={false}
        style={{
          left: box.left,
          top: box.top,
          width: box.width,
          height: box.height,
          fontSize: box.fontSize,
          fontFamily: FONT_FAMILY,
          lineHeight: LINE_HEIGHT,
          textAlign: box.align,
          color: ink,
          transform: box.rotation ? `rotate(${box.rotation}rad)` : undefined,
          transformOrigin: `${box.origin.x}px ${box.origin.y}px`,
        }}
        onChange={(e) => {
          setValue(e.target.value);
          editor.text.input(e.target.value, e.target.selectionEnd);
          publish();
        }}
        onSelect={publish}
        onKeyDown={(e) => {
          const mod = e.ctrlKey || e.metaKey;
          if (e.key === 'Escape' || (e.key === 'Enter' && mod)) {
            e.preventDefault();
            editor.text.commit();
            return;
          }
          // Undo goes through the board's per-user history (typing included), not the
          // textarea's own, which knows nothing of other people's edits.
          const key = e.key.toLowerCase();
          if (!editing.isNew && mod && (key === 'z' || key === 'y')) {
            e.preventDefault();
            if (key === 'y' || e.shiftKey) editor.redo();
            else editor.undo();
          }
        }}
        onBlur={() => editor.text.commit()}
      />
      <RemoteCarets carets={remote} value={value} box={box} />
    </>
  );
}
