/**
 * Which stored images a board refers to: the server keeps every asset a board or one of its
 * kept versions refers to, and deletes the rest after a grace period. Conservative on purpose:
 * any shape record naming a well-formed asset id counts, even one that is otherwise malformed,
 * so a damaged shape never costs an image.
 */
import * as Y from 'yjs';
import { ROOT_SHAPES } from './schema.js';
import { isAssetId } from './validate.js';

export function referencedAssets(doc: Y.Doc): Set<string> {
  const ids = new Set<string>();
  for (const map of doc.getMap<unknown>(ROOT_SHAPES).values()) {
    if (!(map instanceof Y.Map)) continue;
    const assetId = map.get('assetId');
    if (isAssetId(assetId)) ids.add(assetId);
  }
  return ids;
}
