import { boundsFromCorners, isSegment, type Point } from '@drawbridge/board';
import {
  handleAt,
  handleCursor,
  insideFrame,
  selectionFrame,
  selectionHandles,
} from '../handles.js';
import type { PointerInput } from '../types.js';
import { BendGesture, EndpointGesture } from './select/EndpointGesture.js';
import type { Gesture } from './select/Gesture.js';
import { MoveGesture } from './select/MoveGesture.js';
import { ResizeGesture } from './select/ResizeGesture.js';
import { RotateGesture } from './select/RotateGesture.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/** Screen pixels a press must travel before it becomes a drag. */
const DRAG_THRESHOLD_PX = 3;

type Press =
  | { kind: 'none' }
  /** Pressed on the selection: a move if the pointer travels, a click otherwise. */
  | { kind: 'press'; start: Point; hit: readonly string[] | null; narrow: boolean }
  | { kind: 'marquee'; start: Point; base: readonly string[] }
  | { kind: 'gesture'; gesture: Gesture };

/**
 * Click, Shift-click and marquee selection (a click takes a shape's whole group at the current
 * level); moving; resizing and rotating by the frame's handles; a line's ends and bend.
 */
export class SelectTool implements Tool {
  readonly #host: ToolHost;
  #press: Press = { kind: 'none' };
  #hoverCursor = 'default';

  constructor(host: ToolHost) {
    this.#host = host;
  }

  get cursor(): string {
    const press = this.#press;
    return press.kind === 'gesture' ? press.gesture.cursor : this.#hoverCursor;
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    const host = this.#host;
    const gesture = this.#handleGesture(input);
    if (gesture) {
      this.#press = { kind: 'gesture', gesture };
      return;
    }
    const hitId = host.hitTest(input);
    const selection = host.selection;
    if (hitId) {
      host.groups.focusOn(hitId);
      const entity = host.groups.entityOf(hitId);
      const selected = entity.every((id) => selection.includes(id));
      if (input.shiftKey) {
        if (selected) {
          host.select(selection.filter((id) => !entity.includes(id)));
          return;
        }
        host.select([...selection, ...entity]);
        this.#press = { kind: 'press', start: input, hit: entity, narrow: false };
        return;
      }
      if (!selected) host.select(entity);
      this.#press = { kind: 'press', start: input, hit: entity, narrow: selected };
      return;
    }
    if (!input.shiftKey && insideFrame(this.#frame(), input)) {
      this.#press = { kind: 'press', start: input, hit: null, narrow: false };
      return;
    }
    host.groups.focusOn(null);
    const base = input.shiftKey ? [...selection] : [];
    if (!input.shiftKey) host.select([]);
    this.#press = { kind: 'marquee', start: input, base };
  }

  move(input: PointerInput): void {
    const host = this.#host;
    const press = this.#press;
    switch (press.kind) {
      case 'none':
        this.#hover(input);
        return;
      case 'press': {
        if (host.readonly) return;
        const distance = Math.hypot(input.x - press.start.x, input.y - press.start.y);
        if (distance * host.camera.zoom < DRAG_THRESHOLD_PX) return;
        this.#press = { kind: 'gesture', gesture: new MoveGesture(host, press.start) };
        this.move(input);
        return;
      }
      case 'marquee': {
        const box = boundsFromCorners(press.start, input);
        host.overlay.marquee = box;
        const inside = host.shapesInside(box).flatMap((id) => host.groups.entityOf(id));
        host.select([...press.base, ...inside]);
        host.invalidate();
        return;
      }
      case 'gesture':
        press.gesture.move(input);
        return;
    }
  }

  up(input: PointerInput): void {
    const host = this.#host;
    const press = this.#press;
    this.#press = { kind: 'none' };
    switch (press.kind) {
      case 'press':
        // A click (no drag) on one entity of a bigger selection selects just that one.
        if (press.narrow && press.hit && host.selection.length > press.hit.length) {
          host.select(press.hit);
        }
        return;
      case 'marquee':
        host.overlay.marquee = null;
        host.invalidate();
        return;
      case 'gesture':
        press.gesture.end(input);
        return;
    }
  }

  cancel(): void {
    const host = this.#host;
    const press = this.#press;
    this.#press = { kind: 'none' };
    if (press.kind === 'marquee') {
      host.overlay.marquee = null;
      host.invalidate();
    } else if (press.kind === 'gesture') {
      press.gesture.cancel();
    }
  }

  #frame() {
    const host = this.#host;
    return selectionFrame(host.selectedShapes(), host.camera.zoom);
  }

  /** A gesture started on one of the selection's handles, if the press is on one. */
  #handleGesture(input: PointerInput): Gesture | null {
    const host = this.#host;
    // A read-only board has no handles: shapes can be selected, never changed.
    if (host.readonly) return null;
    const zoom = host.camera.zoom;
    const selected = host.selectedShapes();
    const handle = handleAt(selectionHandles(selected, zoom), input, zoom);
    if (!handle) return null;
    const only = selected[0];
    if (only && isSegment(only) && selected.length === 1) {
      if (handle.id === 'start' || handle.id === 'end') {
        return new EndpointGesture(host, only, handle.id);
      }
      if (handle.id === 'bend') return new BendGesture(host, only);
    }
    const frame = selectionFrame(selected, zoom);
    if (!frame) return null;
    if (handle.id === 'rotate') return new RotateGesture(host, frame, input);
    return new ResizeGesture(
      host,
      handle.id,
      frame,
      input,
      handleCursor(handle.id, frame.rotation),
    );
  }

  #hover(p: Point): void {
    const host = this.#host;
    const zoom = host.camera.zoom;
    const selected = host.selectedShapes();
    const handles = host.readonly ? [] : selectionHandles(selected, zoom);
    const handle = handleAt(handles, p, zoom);
    if (handle) {
      this.#hoverCursor = handleCursor(handle.id, selectionFrame(selected, zoom)?.rotation ?? 0);
      host.setHover(null);
      return;
    }
    const hit = host.hitTest(p);
    host.setHover(hit && !host.selection.includes(hit) ? hit : null);
    const movable = !host.readonly && (hit || insideFrame(this.#frame(), p));
    this.#hoverCursor = movable ? 'move' : hit ? 'pointer' : 'default';
  }
}
