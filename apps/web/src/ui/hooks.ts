import { useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import type { EditorState } from '../canvas/types.js';
import type { Emitter } from '../util/Emitter.js';

/** Re-renders when `emitter` fires and `read()` returns something new (by identity). */
export function useEmitter<T>(emitter: Emitter, read: () => T): T {
  return useSyncExternalStore(emitter.subscribe, read);
}

export const useEditorState = (editor: Editor): EditorState =>
  useEmitter(editor.stateChanged, () => editor.state);

/** A camera key that changes whenever the view moves or zooms. */
export const useCameraKey = (editor: Editor): string =>
  useEmitter(
    editor.cameraChanged,
    () => `${editor.camera.x}:${editor.camera.y}:${editor.camera.zoom}:${editor.camera.width}`,
  );

export const useZoom = (editor: Editor): number =>
  useEmitter(editor.cameraChanged, () => editor.camera.zoom);
