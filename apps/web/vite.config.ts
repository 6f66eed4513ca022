import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = process.env.DRAWBRIDGE_SERVER ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/socket.io': { target: server, ws: true },
      '/healthz': server,
    },
  },
});
