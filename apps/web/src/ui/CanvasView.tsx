import type { Point } from '@drawbridge/board';
import { type DragEvent, useEffect, useRef } from 'react';
import { CanvasController } from '../canvas/CanvasController.js';
import type { Editor } from '../canvas/Editor.js';
import { RenderLoop } from '../canvas/RenderLoop.js';
import { CANVAS_THEMES } from '../canvas/render/canvasTheme.js';
import type { ShapeRenderer } from '../canvas/render/ShapeRenderer.js';

interface Props {
  editor: Editor;
  renderer: ShapeRenderer;
  theme: 'light' | 'dark';
  /** The dot grid; on unless told otherwise (embeds with `grid=0`). */
  grid?: boolean;
  /** A right-click on the canvas: screen (CSS px in the canvas) and board points. */
  onMenu?: (screen: Point, board: Point) => void;
  /** Files dropped on the canvas, with the board point they were dropped at. */
  onDropFiles?: (files: File[], at: Point) => void;
}

/** The drawing surface: input goes to the controller, frames come from the render loop. */
export function CanvasView({ editor, renderer, theme, grid = true, onMenu, onDropFiles }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const loopRef = useRef<RenderLoop | null>(null);
  const themeRef = useRef(theme);
  themeRef.current = theme;
  const gridRef = useRef(grid);
  gridRef.current = grid;
  const menuRef = useRef(onMenu);
  menuRef.current = onMenu;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const controller = new CanvasController(canvas, editor, (screen, board) =>
      menuRef.current?.(screen, board),
    );
    const loop = new RenderLoop(canvas, editor, renderer, CANVAS_THEMES[themeRef.current]);
    loop.setGrid(gridRef.current);
    loopRef.current = loop;
    return () => {
      controller.destroy();
      loop.destroy();
      loopRef.current = null;
    };
  }, [editor, renderer]);

  useEffect(() => {
    loopRef.current?.setTheme(CANVAS_THEMES[theme]);
  }, [theme]);

  useEffect(() => {
    loopRef.current?.setGrid(grid);
  }, [grid]);

  const carriesFiles = (e: DragEvent<HTMLCanvasElement>) =>
    onDropFiles !== undefined && e.dataTransfer.types.includes('Files');

  return (
    <canvas
      ref={canvasRef}
      className="board-canvas"
      data-testid="canvas"
      aria-label="Whiteboard canvas"
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        const rect = e.currentTarget.getBoundingClientRect();
        const at = editor.camera.screenToBoard({
          x: e.clientX - rect.left,
          y: e.clientY - rect.top,
        });
        onDropFiles?.([...e.dataTransfer.files], at);
      }}
    />
  );
}
