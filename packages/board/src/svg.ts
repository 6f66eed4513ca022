/**
 * Shapes to a standalone SVG document: the app's SVG export and the server's previews.
 * Every user-controlled string is escaped; colours and numbers come from validated shapes.
 */
import {
  arrowHead,
  estimateTextWidth,
  FONT_FAMILY,
  LINE_HEIGHT,
  penPath,
  STICKY_PADDING,
  unionBounds,
  visualBounds,
  wrapText,
} from './geometry.js';
import type { Bounds, Shape } from './schema.js';

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
}

const n = (value: number): string => (Math.round(value * 100) / 100).toString();

export function shapesBounds(shapes: readonly Shape[]): Bounds | null {
  return unionBounds(shapes.map(visualBounds));
}

function textLines(
  shape: Extract<Shape, { type: 'text' | 'sticky' }>,
  measure: (fontSize: number) => (s: string) => number,
): string[] {
  const width = shape.type === 'sticky' ? shape.w - STICKY_PADDING * 2 : null;
  return wrapText(shape.text, width, measure(shape.fontSize));
}

function shapeToSvg(shape: Shape, measure: (fontSize: number) => (s: string) => number): string {
  const stroke = `stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}"`;
  const fill = `fill="${shape.fill}"`;
  switch (shape.type) {
    case 'rect':
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}" rx="4" ${fill} ${stroke}/>`;
    case 'ellipse':
      return `<ellipse cx="${n(shape.x + shape.w / 2)}" cy="${n(shape.y + shape.h / 2)}" rx="${n(shape.w / 2)}" ry="${n(shape.h / 2)}" ${fill} ${stroke}/>`;
    case 'line':
    case 'arrow': {
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = shape.points;
      const line = `<line x1="${n(shape.x + x1)}" y1="${n(shape.y + y1)}" x2="${n(shape.x + x2)}" y2="${n(shape.y + y2)}" ${stroke} stroke-linecap="round"/>`;
      if (shape.type === 'line') return line;
      const head = arrowHead(shape.points, shape.strokeWidth)
        .map((p) => `${n(shape.x + p.x)},${n(shape.y + p.y)}`)
        .join(' ');
      return `<g>${line}<polyline points="${head}" fill="none" ${stroke} stroke-linecap="round" stroke-linejoin="round"/></g>`;
    }
    case 'pen': {
      const d = penPath(shape.points, shape.strokeWidth);
      return `<path transform="translate(${n(shape.x)} ${n(shape.y)})" d="${d}" fill="${shape.stroke}"/>`;
    }
    case 'text':
    case 'sticky': {
      const lines = textLines(shape, measure);
      const pad = shape.type === 'sticky' ? STICKY_PADDING : 0;
      const lineHeight = shape.fontSize * LINE_HEIGHT;
      const tspans = lines
        .map(
          (line, i) =>
            `<tspan x="${n(shape.x + pad)}" y="${n(shape.y + pad + lineHeight * i + shape.fontSize)}">${escapeXml(line)}</tspan>`,
        )
        .join('');
      const text = `<text font-family="${escapeXml(FONT_FAMILY)}" font-size="${n(shape.fontSize)}" fill="${shape.stroke}" xml:space="preserve">${tspans}</text>`;
      if (shape.type === 'text') return text;
      const note = `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}" rx="6" fill="${shape.fill === 'none' ? '#ffec99' : shape.fill}"/>`;
      return `<g>${note}${text}</g>`;
    }
  }
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
  const body = shapes.map((shape) => shapeToSvg(shape, measure)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${n(w)}" height="${n(h)}" viewBox="${n(x)} ${n(y)} ${n(w)} ${n(h)}">\n${background}${body}\n</svg>\n`;
}
