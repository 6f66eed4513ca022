import type { Editor } from '../Editor.js';
import type { ToolId } from '../types.js';
import { BoxTool } from './BoxTool.js';
import { EraserTool } from './EraserTool.js';
import { HandTool } from './HandTool.js';
import { LineTool } from './LineTool.js';
import { PenTool } from './PenTool.js';
import { SelectTool } from './SelectTool.js';
import { TextTool } from './TextTool.js';
import type { Tool } from './Tool.js';

export function createTools(editor: Editor): Record<ToolId, Tool> {
  return {
    select: new SelectTool(editor),
    hand: new HandTool(editor),
    pen: new PenTool(editor),
    rect: new BoxTool('rect', editor),
    ellipse: new BoxTool('ellipse', editor),
    line: new LineTool('line', editor),
    arrow: new LineTool('arrow', editor),
    text: new TextTool('text', editor),
    sticky: new TextTool('sticky', editor),
    eraser: new EraserTool(editor),
  };
}
