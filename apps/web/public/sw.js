/*
 * Drawbridge app-shell service worker: lets a board page reload while offline (the board
 * itself is in IndexedDB). Navigations are network-first, falling back to the cached
 * index.html; hashed build assets are cache-first (their names change with their content).
 * Sync traffic (/socket.io/) and server endpoints are never touched.
 */
const CACHE = 'drawbridge-shell-v1';
const SHELL = '/index.html';
// The API (images, versions) is the server's: IndexedDB keeps what must work offline.
const BYPASS = ['/socket.io/', '/api/', '/healthz', '/readyz', '/metrics'];

const assetsIn = (html) =>
  [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);

/** Caches the shell and the assets it references; drops assets of older builds. */
async function cacheShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(SHELL, response);
  const assets = assetsIn(html);
  await Promise.all(
    assets.map(async (url) => {
      if (!(await cache.match(url))) await cache.add(url);
    }),
  );
  const keep = new Set(assets.map((url) => new URL(url, self.location.origin).href));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !keep.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch(SHELL, { cache: 'no-store' });
      if (response.ok) await cacheShell(response);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (BYPASS.some((prefix) => url.pathname.startsWith(prefix))) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(request);
          const type = response.headers.get('content-type') ?? '';
          if (response.ok && type.includes('text/html')) {
            event.waitUntil(cacheShell(response.clone()).catch(() => {}));
          }
          return response;
        } catch (error) {
          const cached = await caches.match(SHELL);
          if (cached) return cached;
          throw error;
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      (async () => {
        const cached = await caches.match(request);
        if (cached) return cached;
        const response = await fetch(request);
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })(),
    );
    return;
  }

  // Anything else (favicon, sw.js itself): the network, or the cache when offline.
  event.respondWith(
    fetch(request).catch(async () => (await caches.match(request)) ?? Response.error()),
  );
});
