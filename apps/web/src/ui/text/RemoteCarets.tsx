import { FONT_FAMILY, LINE_HEIGHT } from '@drawbridge/board';
import type { CSSProperties } from 'react';
import type { RemoteCaret } from '../../collab/caretChannel.js';
import type { EditorBox } from './editorBox.js';

/**
 * Pixel position of a character index in text laid out like the editor: a hidden copy of the
 * textarea's text (same font, width and wrapping) with a marker at the index. This measures
 * the browser's own wrapping, which is what the person sees.
 */
function caretPoint(value: string, index: number, box: EditorBox): { x: number; y: number } {
  const mirror = document.createElement('div');
  const style = mirror.style;
  style.position = 'absolute';
  style.visibility = 'hidden';
  style.left = '-10000px';
  style.top = '0';
  style.width = `${box.width}px`;
  style.font = `${box.fontSize}px ${FONT_FAMILY}`;
  style.lineHeight = String(LINE_HEIGHT);
  style.whiteSpace = box.wrap ? 'pre-wrap' : 'pre';
  style.overflowWrap = box.wrap ? 'break-word' : 'normal';
  style.textAlign = box.align;
  mirror.textContent = value.slice(0, index);
  const marker = document.createElement('span');
  marker.textContent = value.slice(index, index + 1) || '\u200b';
  mirror.append(marker);
  document.body.append(mirror);
  const point = { x: marker.offsetLeft, y: marker.offsetTop };
  mirror.remove();
  return point;
}

/** Other people's carets over the in-place editor, in their colours with their names. */
export function RemoteCarets(props: {
  carets: readonly RemoteCaret[];
  value: string;
  box: EditorBox;
}) {
  const { carets, value, box } = props;
  if (carets.length === 0) return null;
  const height = box.fontSize * LINE_HEIGHT;
  return (
    <div
      className="remote-carets"
      aria-hidden="true"
      style={{
        left: box.left,
        top: box.top,
        width: box.width,
        height: box.height,
        transform: box.rotation ? `rotate(${box.rotation}rad)` : undefined,
        transformOrigin: `${box.origin.x}px ${box.origin.y}px`,
      }}
    >
      {carets.map((caret) => {
        const p = caretPoint(value, Math.min(caret.index, value.length), box);
        return (
          <div
            key={caret.clientId}
            className="remote-caret"
            data-testid="remote-caret"
            data-name={caret.name}
            style={{ left: p.x, top: p.y, height, '--caret-color': caret.color } as CSSProperties}
          >
            <span className="remote-caret-name">{caret.name}</span>
          </div>
        );
      })}
    </div>
  );
}
