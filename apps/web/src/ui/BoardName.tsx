import type { BoardModel } from '@drawbridge/board';
import { LIMITS } from '@drawbridge/board';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Icon } from './Icon.js';

/** Saves a name being typed after this pause, so each keystroke is not its own undo step. */
const SAVE_DELAY_MS = 400;

function useBoardName(model: BoardModel): string {
  const subscribe = useCallback(
    (notify: () => void) =>
      model.observe((change) => {
        if (change.nameChanged) notify();
      }),
    [model],
  );
  return useSyncExternalStore(subscribe, () => model.name);
}

/** The board's name, stored in the document so everyone sees the same one. */
export function BoardName({ model, readonly = false }: { model: BoardModel; readonly?: boolean }) {
  const name = useBoardName(model);
  const [value, setValue] = useState(name);
  const [focused, setFocused] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelled = useRef(false);

  useEffect(() => {
    if (!focused) setValue(name);
  }, [name, focused]);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  useEffect(() => {
    document.title = `${name} · Drawbridge`;
  }, [name]);

  const save = (text: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (text.trim() && text.trim() !== model.name) {
      model.stopCapturing();
      model.setName(text);
      model.stopCapturing();
    }
  };

  return (
    <div className="board-title panel">
      <a className="logo" href="/" title="Your boards" aria-label="Drawbridge: your boards">
        <Icon name="logo" size={22} />
      </a>
      <input
        className="board-name"
        data-testid="board-name"
        aria-label="Board name"
        value={readonly ? name : value}
        readOnly={readonly}
        title={readonly ? name : undefined}
        maxLength={LIMITS.name}
        spellCheck={false}
        onFocus={(e) => {
          setFocused(true);
          e.currentTarget.select();
        }}
        onBlur={() => {
          if (cancelled.current) {
            cancelled.current = false;
            if (timer.current) clearTimeout(timer.current);
            timer.current = null;
            setValue(model.name);
          } else if (!readonly) {
            save(value);
          }
          setFocused(false);
        }}
        onChange={(e) => {
          if (readonly) return;
          const text = e.target.value;
          setValue(text);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => save(text), SAVE_DELAY_MS);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            cancelled.current = true;
            e.currentTarget.blur();
          }
        }}
      />
    </div>
  );
}
