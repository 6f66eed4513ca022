import type { Bounds } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { FollowController, type FollowView } from './Follow.js';
import { Presence } from './Presence.js';

/** A camera that shows an area by fitting its width, and reports changes like the real one. */
class View implements FollowView {
  x = 0;
  y = 0;
  zoom = 1;
  width = 1000;
  onChange = () => {};
  show(area: Bounds): void {
    this.zoom = this.width / area.w;
    this.x = area.x;
    this.y = area.y;
    this.onChange();
  }
  panBy(dx: number): void {
    this.x += dx;
    this.onChange();
  }
}

/** Two awareness instances wired to each other, like two browsers on one board. */
function pair() {
  const a = new awarenessProtocol.Awareness(new Y.Doc());
  const b = new awarenessProtocol.Awareness(new Y.Doc());
  const relay = (from: awarenessProtocol.Awareness, to: awarenessProtocol.Awareness) =>
    from.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
      const changed = [...added!, ...updated!, ...removed!];
      const { encodeAwarenessUpdate, applyAwarenessUpdate } = awarenessProtocol;
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, changed), 'remote');
    });
  relay(a, b);
  relay(b, a);
  const now = () => 0;
  const schedule = () => () => {};
  const opts = { now, schedule, interval: 0, viewportInterval: 0 };
  const presenceA = new Presence(a, { name: 'Ada', color: '#e5484d' }, opts);
  const presenceB = new Presence(b, { name: 'Bo', color: '#0090ff' }, opts);
  const view = new View();
  const follow = new FollowController(presenceB, view);
  // As in the app: every camera change is published first, then reported to following.
  view.onChange = () => {
    presenceB.setViewport({ x: view.x, y: view.y, w: view.width / view.zoom, h: 500 });
    follow.cameraChanged();
  };
  return { presenceA, presenceB, view, follow, a };
}

describe('following', () => {
  it("shows the followed person's view as it moves, until one's own pan", () => {
    const { presenceA, view, follow, a } = pair();
    presenceA.setViewport({ x: 100, y: 50, w: 500, h: 400 });
    follow.follow(a.clientID);
    expect(follow.following?.user.name).toBe('Ada');
    expect(view).toMatchObject({ x: 100, y: 50, zoom: 2 });
    presenceA.setViewport({ x: 300, y: 0, w: 1000, h: 800 });
    expect(view).toMatchObject({ x: 300, y: 0, zoom: 1 });
    view.panBy(40);
    expect(follow.following).toBeNull();
    presenceA.setViewport({ x: 0, y: 0, w: 100, h: 100 });
    expect(view.x).toBe(340);
  });

  it('follows a presenter once per presentation; leaving stops following', () => {
    const { presenceA, view, follow } = pair();
    presenceA.setViewport({ x: 10, y: 10, w: 500, h: 500 });
    presenceA.setPresenting('talk-1');
    expect(follow.following?.user.name).toBe('Ada');
    expect(view.x).toBe(10);
    view.panBy(5);
    expect(follow.following).toBeNull();
    // The same presentation does not pull the view back; a new one does.
    presenceA.setViewport({ x: 20, y: 20, w: 500, h: 500 });
    expect(follow.following).toBeNull();
    presenceA.setPresenting('talk-2');
    expect(follow.following?.user.name).toBe('Ada');
    presenceA.destroy();
    expect(follow.following).toBeNull();
  });
});
