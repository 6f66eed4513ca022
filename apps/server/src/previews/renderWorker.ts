/** The preview worker thread: renders board thumbnails (see `renderPreview`). */
import { type Packed, unpack } from '../workers/packing.js';
import { ownBytes, serveRpc, Transfer } from '../workers/serveRpc.js';
import { lowerThreadPriority } from '../workers/threadPriority.js';
import { renderPreview } from './renderPreview.js';

// Background work: the event loop and the storage commits come first when CPU is short.
lowerThreadPriority();

serveRpc({
  render: (packed: Packed, images: Record<string, string | null> | null) => {
    const result = renderPreview(unpack(packed), images);
    if ('needs' in result) return result;
    const png = ownBytes(result.png);
    return new Transfer({ png, complete: result.complete }, [png.buffer as ArrayBuffer]);
  },
});
