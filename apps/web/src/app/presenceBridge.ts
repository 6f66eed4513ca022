import type { Editor } from '../canvas/Editor.js';
import type { TrailPoint } from '../canvas/LaserTrail.js';
import type { PeerView } from '../canvas/PeerLayer.js';
import type { Presence } from '../collab/Presence.js';

/**
 * Wires the editor to presence both ways: the local pointer, view, selection and laser go
 * out; other people's selections and laser trails come in for the canvas to draw. Returns the
 * cleanup.
 */
export function connectPresence(editor: Editor, presence: Presence): () => void {
  const offs: (() => void)[] = [];
  offs.push(editor.pointerMoved.subscribe(() => presence.setCursor(editor.pointer)));
  const sendView = () => presence.setViewport(editor.camera.viewportBounds());
  offs.push(editor.cameraChanged.subscribe(sendView));
  sendView();
  let selection = editor.selection;
  offs.push(
    editor.stateChanged.subscribe(() => {
      if (editor.selection === selection) return;
      selection = editor.selection;
      presence.setSelection(selection);
    }),
  );
  offs.push(
    editor.laser.changed.subscribe(() => {
      const now = editor.now();
      presence.setLaser(
        editor.laser
          .points(now)
          .flatMap((p) => [
            Math.round(p.x),
            Math.round(p.y),
            Math.round(now - p.t),
            p.start ? 1 : 0,
          ]),
      );
    }),
  );
  // A trail is sent while it is drawn; once it has faded, an empty one clears it everywhere.
  let clearTimer: ReturnType<typeof setTimeout> | undefined;
  offs.push(
    editor.laser.changed.subscribe(() => {
      clearTimeout(clearTimer);
      clearTimer = setTimeout(() => presence.setLaser([]), 1100);
    }),
  );
  offs.push(() => clearTimeout(clearTimer));

  /**
   * Remote laser points, stamped with this machine's clock when they arrive (ages, not clock
   * times, travel: clocks differ). A peer's state is re-sent whole whenever any of its fields
   * changes, so an unchanged trail keeps its first stamps.
   */
  const trails = new Map<number, { raw: string; points: TrailPoint[] }>();
  const readPeers = () => {
    const now = editor.now();
    editor.laser.color = presence.user.color;
    const views: PeerView[] = [];
    for (const peer of presence.peers) {
      if (peer.self) continue;
      const raw = peer.laser.join(',');
      let trail = trails.get(peer.clientId);
      if (trail?.raw !== raw) {
        const points: TrailPoint[] = [];
        for (let i = 0; i + 3 < peer.laser.length; i += 4) {
          const [x, y, age, start] = peer.laser.slice(i, i + 4) as [number, number, number, number];
          points.push({ x, y, t: now - age, start: start === 1 });
        }
        trail = { raw, points };
        trails.set(peer.clientId, trail);
      }
      const points = trail.points;
      views.push({
        clientId: peer.clientId,
        name: peer.user.name,
        color: peer.user.color,
        selection: peer.selection,
        laser: points,
      });
    }
    editor.peers.set(views);
  };
  offs.push(presence.changed.subscribe(readPeers));
  readPeers();
  return () => {
    for (const off of offs) off();
  };
}
