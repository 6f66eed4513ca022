import { PROTOCOL_VERSION } from '@drawbridge/protocol';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>Drawbridge</h1>
      <p>The sync server is running (protocol v{PROTOCOL_VERSION}). The whiteboard app is coming.</p>
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
