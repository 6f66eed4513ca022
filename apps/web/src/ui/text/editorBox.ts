import {
  centerOf,
  isBox,
  isSegment,
  LINE_HEIGHT,
  labelArea,
  type Point,
  type Shape,
  STICKY_PADDING,
  segmentLabelPoint,
  type TextAlign,
  wrapText,
  wrapWidth,
} from '@drawbridge/board';
import type { Camera } from '../../canvas/Camera.js';
import { fitText, type Measure } from '../../canvas/textFit.js';

/** Where the in-place editor sits on screen (CSS pixels), and how its text flows. */
export interface EditorBox {
  left: number;
  top: number;
  width: number;
  height: number;
  fontSize: number;
  align: TextAlign;
  /** Soft-wrap at the width (notes and labels), or only at newlines (free text). */
  wrap: boolean;
  /** The shape's rotation, about `origin` (relative to the box's top-left). */
  rotation: number;
  origin: Point;
}

/**
 * The editor's box for `shape` holding `value`: over the text as the canvas draws it, so the
 * words do not jump when editing starts. Free text grows with its content, notes and box
 * labels wrap at their width, a label is as tall as its lines and centred where it is drawn.
 */
export function editorBox(
  shape: Shape,
  value: string,
  camera: Camera,
  measure: Measure,
): EditorBox | null {
  if (!('fontSize' in shape) || !('textAlign' in shape)) return null;
  const { fontSize, textAlign: align } = shape;
  const zoom = camera.zoom;
  const lineHeight = fontSize * LINE_HEIGHT;
  const width = wrapWidth(shape, fontSize);
  const lines = Math.max(1, wrapText(value || ' ', width, measure(fontSize)).length);
  let area: { x: number; y: number; w: number; h: number };
  if (shape.type === 'text') {
    const size = fitText(shape, value || ' ', measure);
    area = { x: shape.x, y: shape.y, w: size.w + fontSize, h: size.h };
  } else if (shape.type === 'sticky') {
    const size = fitText(shape, value || ' ', measure);
    const pad = STICKY_PADDING;
    area = { x: shape.x + pad, y: shape.y + pad, w: shape.w - pad * 2, h: size.h - pad * 2 };
  } else if (isBox(shape)) {
    const inner = labelArea(shape);
    const h = lines * lineHeight;
    area = { x: inner.x, y: inner.y + (inner.h - h) / 2, w: inner.w, h };
  } else if (isSegment(shape)) {
    const middle = segmentLabelPoint(shape);
    const w = (width ?? fontSize * 12) + fontSize;
    const h = lines * lineHeight;
    area = { x: middle.x - w / 2, y: middle.y - h / 2, w, h };
  } else {
    return null;
  }
  const topLeft = camera.boardToScreen(area);
  const center = camera.boardToScreen(centerOf(shape));
  return {
    left: topLeft.x,
    top: topLeft.y,
    width: area.w * zoom,
    height: area.h * zoom,
    fontSize: fontSize * zoom,
    align,
    wrap: shape.type !== 'text',
    rotation: shape.rotation,
    origin: { x: center.x - topLeft.x, y: center.y - topLeft.y },
  };
}
