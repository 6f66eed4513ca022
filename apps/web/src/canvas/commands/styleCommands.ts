import {
  type Arrowhead,
  elbowRoute,
  flatten,
  fromAbsolutePoints,
  hasLabel,
  isBox,
  isSegment,
  type Route,
  type Shape,
  STICKY_COLORS,
  segmentEnds,
} from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { fitText } from '../textFit.js';
import type { Style } from '../types.js';

/** Sets the style for new shapes and applies it to the selection, as one undo step. */
export function setStyle(editor: Editor, patch: Partial<Style>): void {
  if (editor.readonly) return;
  editor.setStyleState({ ...editor.state.style, ...patch });
  const shapes = editor.selectedShapes();
  if (shapes.length === 0) return;
  editor.action(() =>
    editor.model.transact(() => {
      for (const shape of shapes) {
        const fields = stylePatch(shape, patch, editor.measure);
        if (Object.keys(fields).length > 0) editor.model.updateShape(shape.id, fields);
      }
    }),
  );
}

/** The style fields that mean something for this shape type. */
export function stylePatch(
  shape: Shape,
  patch: Partial<Style>,
  measure: Editor['measure'],
): Partial<Shape> {
  const out: Record<string, unknown> = {};
  const text = shape.type === 'text' || shape.type === 'sticky';
  if (patch.opacity !== undefined) out.opacity = patch.opacity;
  // A picture keeps its look: only its opacity is a style.
  if (shape.type === 'image') return out as Partial<Shape>;
  if (patch.stroke !== undefined) out.stroke = patch.stroke;
  if (patch.fill !== undefined) {
    if (isBox(shape)) out.fill = patch.fill;
    if (shape.type === 'sticky') out.fill = patch.fill === 'none' ? STICKY_COLORS[0] : patch.fill;
  }
  if (patch.strokeWidth !== undefined && !text) out.strokeWidth = patch.strokeWidth;
  if (patch.dash !== undefined && (isBox(shape) || isSegment(shape))) out.dash = patch.dash;
  if (patch.textAlign !== undefined && (text || hasLabel(shape))) out.textAlign = patch.textAlign;
  if (patch.fontSize !== undefined && (text || hasLabel(shape))) {
    out.fontSize = patch.fontSize;
    if (text)
      Object.assign(out, fitText({ ...shape, fontSize: patch.fontSize }, shape.text, measure));
  }
  if (isSegment(shape)) {
    if (patch.startHead !== undefined) out.startHead = patch.startHead as Arrowhead;
    if (patch.endHead !== undefined) out.endHead = patch.endHead as Arrowhead;
    if (patch.route !== undefined && patch.route !== shape.route) {
      Object.assign(out, routeFields(shape, patch.route));
    }
  }
  return out as Partial<Shape>;
}

/** A line's fields on another route: an elbow gets its corners, the others lose them. */
function routeFields(shape: Extract<Shape, { type: 'line' | 'arrow' }>, route: Route) {
  const [a, b] = segmentEnds(shape);
  const points = route === 'elbow' ? elbowRoute(a, null, b, null) : [a, b];
  const bend =
    route === 'curved' && shape.bend === 0 ? Math.hypot(b.x - a.x, b.y - a.y) / 5 : shape.bend;
  return {
    route,
    bend: route === 'curved' ? Math.round(bend) : 0,
    ...fromAbsolutePoints(flatten(points), 2),
  };
}
