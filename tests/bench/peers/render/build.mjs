// Bundles the peer editors' pages (render/*.jsx) into dist/render/ with esbuild.
import { build } from 'esbuild';

await build({
  entryPoints: { excalidraw: 'render/excalidraw.jsx', tldraw: 'render/tldraw.jsx' },
  outdir: 'dist/render',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.png': 'file', '.svg': 'file' },
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.IS_PREACT': '"false"' },
  conditions: ['production'],
  logLevel: 'warning',
});
console.log('built dist/render');
