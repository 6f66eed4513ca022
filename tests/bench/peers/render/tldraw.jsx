// tldraw (from npm) showing the bench scene: window.__scene holds the shapes; sets
// window.__ready once the scene is on screen, fitted.
import { createShapeId, Tldraw, toRichText } from 'tldraw';
import 'tldraw/tldraw.css';
import { createRoot } from 'react-dom/client';

const COLORS = {
  '#1e1e1e': 'black',
  '#e03131': 'red',
  '#2f9e44': 'green',
  '#1971c2': 'blue',
  '#f08c00': 'orange',
  '#6741d9': 'violet',
};

function shapes() {
  return window.__scene.map((s, i) => {
    const id = createShapeId(`s${i}`);
    const color = COLORS[s.stroke] ?? 'black';
    if (s.type === 'line') {
      return {
        id,
        type: 'line',
        x: s.x,
        y: s.y,
        props: {
          color,
          points: {
            a1: { id: 'a1', index: 'a1', x: 0, y: 0 },
            a2: { id: 'a2', index: 'a2', x: s.w, y: s.h },
          },
        },
      };
    }
    if (s.type === 'text') {
      return {
        id,
        type: 'text',
        x: s.x,
        y: s.y,
        props: { color, richText: toRichText(s.text), size: 's' },
      };
    }
    return {
      id,
      type: 'geo',
      x: s.x,
      y: s.y,
      props: {
        geo: s.type === 'rect' ? 'rectangle' : 'ellipse',
        w: s.w,
        h: s.h,
        color,
        fill: s.fill === 'none' ? 'none' : 'solid',
        dash: 'solid',
      },
    };
  });
}

function App() {
  return (
    <div style={{ position: 'fixed', inset: 0 }}>
      <Tldraw
        // Its default page limit is 4,000 shapes.
        options={{ maxShapesPerPage: 50_000 }}
        onMount={(editor) => {
          editor.createShapes(shapes());
          editor.zoomToFit({ animation: { duration: 0 } });
          window.__shapes = editor.getCurrentPageShapeIds().size;
          window.__ready = true;
        }}
      />
    </div>
  );
}

createRoot(document.getElementById('root')).render(<App />);
