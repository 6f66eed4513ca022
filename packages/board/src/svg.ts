/**
 * Shapes to a standalone SVG document: the app's SVG export and the server's previews.
 * Every user-controlled string is escaped; colours and numbers come from validated shapes.
 */
import { visualBounds } from './bounds.js';
import { estimateTextWidth, FONT_FAMILY, penPath, unionBounds } from './geometry.js';
import { diamondCorners } from './outline.js';
import { dashArray, dashes, rectRadius, stickyFill, stickyRadius } from './paint.js';
import { centerOf } from './rotation.js';
import { type HeadGeometry, segmentHeads, segmentPath } from './route.js';
import type { Bounds, ImageShape, SegmentShape, Shape } from './schema.js';
import { placeText, textLines } from './textLayout.js';

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters even when escaped.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

export interface SvgOptions {
  padding?: number;
  /** Background colour; omit for transparent. */
  background?: string;
  /** Text width measure at a font size; defaults to an estimate. */
  measure?: (fontSize: number) => (s: string) => number;
  /** Export exactly this area instead of the shapes' bounds. */
  bounds?: Bounds;
  /**
   * The image of an asset as a URL to embed (a `data:` URL, so the file stands alone); null
   * or omitted draws the placeholder the canvas shows for a missing image.
   */
  images?: (assetId: string) => string | null;
  /** What a placeholder says (default "image missing"). */
  missingImageLabel?: string;
}

type Measure = (fontSize: number) => (s: string) => number;
type Images = (assetId: string) => string | null;

/** Only data URLs of the accepted formats are embedded: nothing that could load or run. */
const EMBEDDABLE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

function imageSvg(shape: ImageShape, images: Images | undefined, label: string): string {
  const frame = `x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}"`;
  const href = images?.(shape.assetId) ?? null;
  if (href !== null && EMBEDDABLE.test(href)) {
    return `<image ${frame} preserveAspectRatio="none" href="${href}"/>`;
  }
  const size = Math.max(8, Math.min(16, shape.w / 10, shape.h / 3));
  return (
    `<rect ${frame} fill="#f1f3f5" stroke="#adb5bd" stroke-width="1" stroke-dasharray="6 4"/>` +
    `<text x="${n(shape.x + shape.w / 2)}" y="${n(shape.y + shape.h / 2 + size / 3)}" font-family="${escapeXml(FONT_FAMILY)}" font-size="${n(size)}" fill="#868e96" text-anchor="middle">${escapeXml(label)}</text>`
  );
}

const n = (value: number): string => (Math.round(value * 100) / 100).toString();

export function shapesBounds(shapes: readonly Shape[]): Bounds | null {
  return unionBounds(shapes.map(visualBounds));
}

function strokeAttrs(shape: Shape): string {
  let attrs = `stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}" stroke-linecap="round" stroke-linejoin="round"`;
  if (dashes(shape)) {
    attrs += ` stroke-dasharray="${dashArray(shape.dash, shape.strokeWidth).map(n).join(' ')}"`;
  }
  return attrs;
}

const ANCHORS = { left: 'start', center: 'middle', right: 'end' } as const;

/** The shape's text or label as `<text>`, and a backdrop for segment labels. */
function textSvg(shape: Shape, ink: string, measure: Measure, backdrop?: string): string {
  if (!('fontSize' in shape)) return '';
  const width = measure(shape.fontSize);
  const placed = placeText(shape, textLines(shape, width), width);
  if (!placed || placed.lines.length === 0) return '';
  const tspans = placed.lines
    .map(
      (line, i) =>
        `<tspan x="${n(placed.anchorX)}" y="${n(placed.baselines[i]!)}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  const box = placed.box;
  const back = backdrop
    ? `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}" rx="4" fill="${backdrop}"/>`
    : '';
  return `${back}<text font-family="${escapeXml(FONT_FAMILY)}" font-size="${n(placed.fontSize)}" fill="${ink}" text-anchor="${ANCHORS[placed.align]}" xml:space="preserve">${tspans}</text>`;
}

function headSvg(head: HeadGeometry, shape: Shape): string {
  const { tip, left, right } = head;
  const stroke = `stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}" stroke-linecap="round" stroke-linejoin="round"`;
  if (head.kind === 'dot') {
    return `<circle cx="${n(tip.x)}" cy="${n(tip.y)}" r="${n(head.radius)}" fill="${shape.stroke}"/>`;
  }
  const pts = [left, tip, right].map((p) => `${n(p.x)},${n(p.y)}`).join(' ');
  if (head.kind === 'triangle')
    return `<polygon points="${pts}" fill="${shape.stroke}" ${stroke}/>`;
  return `<polyline points="${pts}" fill="none" ${stroke}/>`;
}

function segmentSvg(shape: SegmentShape, measure: Measure, backdrop: string): string {
  const path = segmentPath(shape);
  const d =
    path.kind === 'curve'
      ? `M${n(path.from.x)} ${n(path.from.y)}Q${n(path.control.x)} ${n(path.control.y)} ${n(path.to.x)} ${n(path.to.y)}`
      : `M${path.points.map((p) => `${n(p.x)} ${n(p.y)}`).join('L')}`;
  const body = `<path d="${d}" fill="none" ${strokeAttrs(shape)}/>`;
  const heads = segmentHeads(shape, path)
    .map((head) => headSvg(head, shape))
    .join('');
  return `${body}${heads}${textSvg(shape, shape.stroke, measure, backdrop)}`;
}

function shapeBody(
  shape: Shape,
  measure: Measure,
  backdrop: string,
  images: Images | undefined,
  label: string,
): string {
  const fill = `fill="${shape.fill}"`;
  switch (shape.type) {
    case 'image':
      return imageSvg(shape, images, label);
    case 'rect':
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}" rx="${n(rectRadius(shape))}" ${fill} ${strokeAttrs(shape)}/>${textSvg(shape, shape.stroke, measure)}`;
    case 'ellipse':
      return `<ellipse cx="${n(shape.x + shape.w / 2)}" cy="${n(shape.y + shape.h / 2)}" rx="${n(shape.w / 2)}" ry="${n(shape.h / 2)}" ${fill} ${strokeAttrs(shape)}/>${textSvg(shape, shape.stroke, measure)}`;
    case 'diamond': {
      const pts = diamondCorners(shape)
        .map((p) => `${n(p.x)},${n(p.y)}`)
        .join(' ');
      return `<polygon points="${pts}" ${fill} ${strokeAttrs(shape)}/>${textSvg(shape, shape.stroke, measure)}`;
    }
    case 'line':
    case 'arrow':
      return segmentSvg(shape, measure, backdrop);
    case 'pen': {
      const d = penPath(shape.points, shape.strokeWidth);
      return `<path transform="translate(${n(shape.x)} ${n(shape.y)})" d="${d}" fill="${shape.stroke}"/>`;
    }
    case 'text':
      return textSvg(shape, shape.stroke, measure);
    case 'sticky': {
      const note = `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}" rx="${n(stickyRadius(shape))}" fill="${stickyFill(shape)}"/>`;
      return `${note}${textSvg(shape, shape.stroke, measure)}`;
    }
  }
}

function shapeToSvg(
  shape: Shape,
  measure: Measure,
  backdrop: string,
  images: Images | undefined,
  label: string,
): string {
  const attrs: string[] = [];
  if (shape.rotation !== 0) {
    const c = centerOf(shape);
    attrs.push(`transform="rotate(${n((shape.rotation * 180) / Math.PI)} ${n(c.x)} ${n(c.y)})"`);
  }
  if (shape.opacity < 1) attrs.push(`opacity="${n(shape.opacity)}"`);
  return `<g${attrs.length > 0 ? ` ${attrs.join(' ')}` : ''}>${shapeBody(shape, measure, backdrop, images, label)}</g>`;
}

/** An SVG document showing `shapes` (in the given order), or of `options.bounds`. */
export function toSvg(shapes: readonly Shape[], options: SvgOptions = {}): string {
  const padding = options.padding ?? 16;
  const measure = options.measure ?? estimateTextWidth;
  const area = options.bounds ?? shapesBounds(shapes) ?? { x: 0, y: 0, w: 0, h: 0 };
  const x = area.x - padding;
  const y = area.y - padding;
  const w = Math.max(1, area.w + padding * 2);
  const h = Math.max(1, area.h + padding * 2);
  const background = options.background
    ? `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${escapeXml(options.background)}"/>`
    : '';
  // Segment labels sit on a patch of the background so the line does not cross the text.
  const backdrop = options.background ? escapeXml(options.background) : '#ffffff';
  const label = options.missingImageLabel ?? 'image missing';
  const body = shapes
    .map((shape) => shapeToSvg(shape, measure, backdrop, options.images, label))
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${n(w)}" height="${n(h)}" viewBox="${n(x)} ${n(y)} ${n(w)} ${n(h)}">\n${background}${body}\n</svg>\n`;
}
