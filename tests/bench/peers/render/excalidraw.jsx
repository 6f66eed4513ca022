// Excalidraw (from npm) showing the bench scene: window.__scene holds the shapes; sets
// window.__ready once the scene is on screen, fitted.
import { convertToExcalidrawElements, Excalidraw } from '@excalidraw/excalidraw';
import '@excalidraw/excalidraw/index.css';
import { createRoot } from 'react-dom/client';

const skeletons = window.__scene.map((s) => {
  const common = { x: s.x, y: s.y, strokeColor: s.stroke, strokeWidth: 2, roughness: 0 };
  if (s.type === 'line')
    return {
      ...common,
      type: 'line',
      points: [
        [0, 0],
        [s.w, s.h],
      ],
    };
  if (s.type === 'text') return { ...common, type: 'text', text: s.text, fontSize: 16 };
  return {
    ...common,
    type: s.type === 'rect' ? 'rectangle' : 'ellipse',
    width: s.w,
    height: s.h,
    backgroundColor: s.fill === 'none' ? 'transparent' : s.fill,
    fillStyle: 'solid',
  };
});

function App() {
  return (
    <div style={{ position: 'fixed', inset: 0 }}>
      <Excalidraw
        initialData={{
          elements: convertToExcalidrawElements(skeletons),
          appState: { viewBackgroundColor: '#ffffff' },
        }}
        excalidrawAPI={(api) => {
          const fit = () => {
            if (api.getSceneElements().length < skeletons.length) return setTimeout(fit, 50);
            api.scrollToContent(api.getSceneElements(), { fitToContent: true, animate: false });
            window.__shapes = api.getSceneElements().length;
            window.__ready = true;
          };
          setTimeout(fit, 0);
        }}
      />
    </div>
  );
}

createRoot(document.getElementById('root')).render(<App />);
