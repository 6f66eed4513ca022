import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { Preferences } from './app/Preferences.js';
import { ToastStore } from './app/ToastStore.js';
import { safeLocalStorage } from './app/useBoard.js';
import { TextMeasurer } from './canvas/render/TextMeasurer.js';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/overlays.css';
import './styles/embed.css';
import './styles/board-ui.css';
import './styles/home.css';

const root = document.getElementById('root');
if (root) {
  const prefs = new Preferences(safeLocalStorage());
  createRoot(root).render(
    <StrictMode>
      <App prefs={prefs} toasts={new ToastStore()} measurer={new TextMeasurer()} />
    </StrictMode>,
  );
}

// The app shell is cached by a service worker so a reload works offline (boards themselves
// are kept in IndexedDB). Only in builds: in development it would serve stale modules.
// Registered at once (the shell is small) so an early reload offline already works.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => {
    // Without it the app still works online; only offline reloads are lost.
  });
}
