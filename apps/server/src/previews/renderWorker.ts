/** The preview worker thread: renders board thumbnails (see `renderPreview`). */
import { type Packed, unpack } from '../workers/packing.js';
import { serveRpc, Transfer } from '../workers/serveRpc.js';
import { renderPreview } from './renderPreview.js';

serveRpc({
  render: (packed: Packed) => {
    const png = renderPreview(unpack(packed));
    const own =
      png.byteOffset === 0 && png.byteLength === png.buffer.byteLength ? png : png.slice();
    return new Transfer(own, [own.buffer as ArrayBuffer]);
  },
});
