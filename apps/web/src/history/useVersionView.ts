import { useCallback, useEffect, useRef, useState } from 'react';
import type { Measure } from '../canvas/textFit.js';
import { type CameraView, VersionView } from './VersionView.js';
import { fetchVersion, type VersionListing } from './versionsApi.js';

export interface VersionViewing {
  /** The version on the canvas, or null for the live board. */
  view: VersionView | null;
  /** Which version is being fetched (for the panel's busy state). */
  opening: number | null;
  open(listing: VersionListing): Promise<void>;
  close(): void;
}

/** Opening versions read-only in place of the live board, one at a time. */
export function useVersionView(
  boardId: string,
  token: string | null,
  measure: Measure,
  /** The live board's camera: a version opens where the board is looked at. */
  liveCamera: () => CameraView | null,
  onError: (message: string) => void,
): VersionViewing {
  const [view, setView] = useState<VersionView | null>(null);
  const [opening, setOpening] = useState<number | null>(null);
  const current = useRef<VersionView | null>(null);
  const errorRef = useRef(onError);
  errorRef.current = onError;

  const replace = useCallback((next: VersionView | null) => {
    current.current?.destroy();
    current.current = next;
    setView(next);
  }, []);

  const open = useCallback(
    async (listing: VersionListing) => {
      setOpening(listing.versionId);
      try {
        const state = await fetchVersion(boardId, token, listing.versionId);
        replace(new VersionView(listing, state, measure, liveCamera()));
      } catch (error) {
        errorRef.current(`The version could not be opened: ${(error as Error).message}`);
      } finally {
        setOpening(null);
      }
    },
    [boardId, token, measure, replace, liveCamera],
  );

  const close = useCallback(() => replace(null), [replace]);

  useEffect(() => () => current.current?.destroy(), []);

  return { view, opening, open, close };
}
