/**
 * Every tool, once: its key, label, shortcut, icon and flags, and how to make it. The toolbar,
 * keyboard shortcuts, style panel, help dialog and read-only filter all derive from this list;
 * adding a tool is one file plus one entry here.
 */
import type { ShapeType } from '@drawbridge/board';
import { BoxTool } from './BoxTool.js';
import { EraserTool } from './EraserTool.js';
import { HandTool } from './HandTool.js';
import { ImageTool } from './ImageTool.js';
import { LaserTool } from './LaserTool.js';
import { LineTool } from './LineTool.js';
import { PenTool } from './PenTool.js';
import { SelectTool } from './SelectTool.js';
import { TextTool } from './TextTool.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

export interface ToolSpec {
  readonly id: string;
  readonly label: string;
  /** Single-letter shortcut, shown in the toolbar. */
  readonly key: string;
  /** SVG path data on a 24-unit grid, stroked. */
  readonly icon: readonly string[];
  /** Toolbar section. */
  readonly group: 'view' | 'draw' | 'point';
  /** Stays active after use; the others hand back to select (unless the tool lock is on). */
  readonly sticky: boolean;
  /** Kept on a read-only board: it only looks, moves the view or points. */
  readonly viewOnly: boolean;
  /** The shape type it draws, so the style panel shows that type's styles. */
  readonly creates?: ShapeType;
  /** What happens when the tool is used, for its tooltip. */
  readonly hint?: string;
  create(host: ToolHost): Tool;
}

export const TOOLS = [
  {
    id: 'select',
    label: 'Select',
    key: 'V',
    icon: [
      'M4.04 4.69a.5.5 0 0 1 .65-.65l16 6.5a.5.5 0 0 1-.06.95l-6.13 1.58a2 2 0 0 0-1.43 1.43l-1.58 6.13a.5.5 0 0 1-.95.06z',
    ],
    group: 'view',
    sticky: true,
    viewOnly: true,
    create: (host) => new SelectTool(host),
  },
  {
    id: 'hand',
    label: 'Hand (pan)',
    key: 'H',
    icon: [
      'M18 11V6a2 2 0 0 0-4 0v5',
      'M14 10V4a2 2 0 0 0-4 0v6',
      'M10 10.5V6a2 2 0 0 0-4 0v8',
      'M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.86-6-2.34l-3.6-3.6a2 2 0 0 1 2.83-2.82L7 15',
    ],
    group: 'view',
    sticky: true,
    viewOnly: true,
    create: (host) => new HandTool(host),
  },
  {
    id: 'pen',
    label: 'Pen',
    key: 'P',
    icon: [
      'M21.17 6.81a1 1 0 0 0-3.99-3.99L3.84 16.17a2 2 0 0 0-.5.83l-1.32 4.35a.5.5 0 0 0 .62.62l4.35-1.32a2 2 0 0 0 .83-.5z',
      'm15 5 4 4',
    ],
    group: 'draw',
    sticky: true,
    viewOnly: false,
    creates: 'pen',
    create: (host) => new PenTool(host),
  },
  {
    id: 'rect',
    label: 'Rectangle',
    key: 'R',
    icon: [
      'M6 3.5h12A2.5 2.5 0 0 1 20.5 6v12a2.5 2.5 0 0 1-2.5 2.5H6A2.5 2.5 0 0 1 3.5 18V6A2.5 2.5 0 0 1 6 3.5z',
    ],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'rect',
    create: (host) => new BoxTool('rect', host),
  },
  {
    id: 'ellipse',
    label: 'Ellipse',
    key: 'O',
    icon: ['M20.75 12a8.75 8.75 0 1 1-17.5 0 8.75 8.75 0 0 1 17.5 0z'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'ellipse',
    create: (host) => new BoxTool('ellipse', host),
  },
  {
    id: 'diamond',
    label: 'Diamond',
    key: 'D',
    icon: ['M12 2.75 21.25 12 12 21.25 2.75 12z'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'diamond',
    create: (host) => new BoxTool('diamond', host),
  },
  {
    id: 'line',
    label: 'Line',
    key: 'L',
    icon: ['M5 19 19 5'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'line',
    hint: 'drop an end on a shape to connect it; Ctrl places it free',
    create: (host) => new LineTool('line', host),
  },
  {
    id: 'arrow',
    label: 'Arrow',
    key: 'A',
    icon: ['M6 18 18 6', 'M9 6h9v9'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'arrow',
    hint: 'drop an end on a shape to connect it; Ctrl places it free',
    create: (host) => new LineTool('arrow', host),
  },
  {
    id: 'text',
    label: 'Text',
    key: 'T',
    icon: ['M5 7V5h14v2', 'M9 19h6', 'M12 5v14'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'text',
    create: (host) => new TextTool('text', host),
  },
  {
    id: 'sticky',
    label: 'Sticky note',
    key: 'S',
    icon: ['M16 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V8Z', 'M15 3v4a2 2 0 0 0 2 2h4'],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    creates: 'sticky',
    create: (host) => new TextTool('sticky', host),
  },
  {
    id: 'image',
    label: 'Image',
    key: 'I',
    icon: [
      'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z',
      'M9 11a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
      'm21 15-3.09-3.09a2 2 0 0 0-2.82 0L6 21',
    ],
    group: 'draw',
    sticky: false,
    viewOnly: false,
    hint: 'click where it goes, then pick a file; you can also paste or drop images',
    create: (host) => new ImageTool(host),
  },
  {
    id: 'eraser',
    label: 'Eraser',
    key: 'E',
    icon: [
      'm7 21-4.3-4.3c-1-1-1-2.5 0-3.4l9.6-9.6c1-1 2.5-1 3.4 0l5.6 5.6c1 1 1 2.5 0 3.4L13 21',
      'M22 21H7',
      'm5 11 9 9',
    ],
    group: 'point',
    sticky: true,
    viewOnly: false,
    create: (host) => new EraserTool(host),
  },
  {
    id: 'laser',
    label: 'Laser pointer',
    key: 'K',
    icon: ['M9.5 9.5 14 21l1.9-5.1L21 14z', 'M4.5 4.5 6.5 6.5', 'M9 2.5V5', 'M2.5 9H5'],
    group: 'point',
    sticky: true,
    viewOnly: true,
    hint: 'a fading trail everyone sees; never saved',
    create: (host) => new LaserTool(host),
  },
] as const satisfies readonly ToolSpec[];

export type ToolId = (typeof TOOLS)[number]['id'];

export const TOOL_IDS: readonly ToolId[] = TOOLS.map((tool) => tool.id);

const BY_ID = new Map<string, ToolSpec>(TOOLS.map((tool) => [tool.id, tool]));

export const toolSpec = (id: ToolId): ToolSpec => BY_ID.get(id)!;

/** The tool a shortcut letter picks, if any. */
export const toolForKey = (key: string): ToolId | null =>
  (TOOLS.find((tool) => tool.key.toLowerCase() === key.toLowerCase())?.id as ToolId) ?? null;

/** One instance of every tool, for one host. */
export function createTools(host: ToolHost): Record<ToolId, Tool> {
  return Object.fromEntries(TOOLS.map((tool) => [tool.id, tool.create(host)])) as unknown as Record<
    ToolId,
    Tool
  >;
}
