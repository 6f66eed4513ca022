import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { referencedAssets } from './assets.js';
import { BoardModel } from './BoardModel.js';
import { hitTest } from './hitTest.js';
import { readShapes } from './read.js';
import type { NewShape } from './schema.js';
import { parseBoard, serializeBoard } from './serialize.js';
import { toSvg } from './svg.js';
import { readShape } from './validate.js';

const ASSET = 'ab'.repeat(32);

const image = (extra: object = {}): NewShape =>
  ({
    type: 'image',
    x: 10,
    y: 20,
    w: 200,
    h: 100,
    stroke: '#1e1e1e',
    fill: 'none',
    strokeWidth: 0,
    assetId: ASSET,
    naturalWidth: 400,
    naturalHeight: 200,
    ...extra,
  }) as NewShape;

const record = (extra: object = {}) => ({ ...image(extra), id: 'i1', index: 'a0' });

describe('image shapes', () => {
  it('read with their asset id and natural size', () => {
    expect(readShape(record())).toMatchObject({
      type: 'image',
      assetId: ASSET,
      naturalWidth: 400,
      naturalHeight: 200,
      rotation: 0,
      opacity: 1,
    });
  });

  it('are skipped when a peer sends a bad reference or size, and never break the board', () => {
    const bad = [
      { assetId: 'AB'.repeat(32) },
      { assetId: `${ASSET}0` },
      { assetId: '../../etc/passwd' },
      { assetId: 42 },
      { assetId: undefined },
      { naturalWidth: 0 },
      { naturalHeight: -3 },
      { naturalWidth: Number.NaN },
      { naturalWidth: '400' },
      { naturalHeight: 1e12 },
    ];
    for (const extra of bad) expect(readShape(record(extra)), JSON.stringify(extra)).toBeNull();

    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    model.addShapes([image(), image({ assetId: 'not-a-hash' }), image({ naturalWidth: null })]);
    const shapes = readShapes(doc);
    expect(shapes.map((s) => s.type)).toEqual(['image']);
    // The export of a board with a malformed image still renders the rest.
    expect(toSvg(shapes)).toContain('image missing');
  });

  it('are hit anywhere inside, like a filled box', () => {
    const shape = readShape(record())!;
    expect(hitTest(shape, { x: 110, y: 70 }, 0)).toBe(true);
    expect(hitTest(shape, { x: 300, y: 70 }, 0)).toBe(false);
  });

  it('export to SVG as the embedded picture, or a placeholder when it is not at hand', () => {
    const shape = readShape(record({ rotation: Math.PI / 2, opacity: 0.5 }))!;
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const svg = toSvg([shape], { images: (id) => (id === ASSET ? png : null) });
    expect(svg).toContain(`<image x="10" y="20" width="200" height="100"`);
    expect(svg).toContain(`href="${png}"`);
    expect(svg).toContain('rotate(90 110 70)');
    expect(svg).toContain('opacity="0.5"');
    expect(toSvg([shape])).toContain('image missing');
    // Only data URLs of accepted formats: never a link that would load or run something.
    for (const href of [
      'https://example.com/a.png',
      'data:image/svg+xml;base64,PHN2Zz4=',
      'javascript:alert(1)',
      'data:image/png;base64,AAA" onload="alert(1)',
    ]) {
      const out = toSvg([shape], { images: () => href });
      expect(out).not.toContain(href);
      expect(out).toContain('image missing');
    }
  });

  it('travel in board files and the clipboard with their reference', () => {
    const shape = readShape(record())!;
    const file = parseBoard(serializeBoard('b', [shape]));
    expect(file.shapes).toEqual([expect.objectContaining({ type: 'image', assetId: ASSET })]);
  });

  it('are what the board refers to, for keeping assets', () => {
    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    const other = 'cd'.repeat(32);
    const [a] = model.addShapes([image(), image({ assetId: other }), image()]);
    // A damaged record still protects its asset.
    (doc.getMap('shapes').get(a!) as Y.Map<unknown>).set('naturalWidth', 'broken');
    model.addShape({
      type: 'rect',
      x: 0,
      y: 0,
      w: 1,
      h: 1,
      stroke: '#1e1e1e',
      fill: 'none',
      strokeWidth: 1,
    });
    expect([...referencedAssets(doc)].sort()).toEqual([ASSET, other]);
  });
});
