// The service worker: after the first visit, the app (index.html, the WebAssembly module and its
// glue, the style sheet), the shipped browser model with its phases and the gallery (inside the
// module) come from the cache, so a reload works with the network gone.
//
// scripts/build-frontend.sh writes the version (a hash of every cached file's content) and the
// file list in place of the two markers below, so a new build is a new service worker: the
// browser installs it in the background while the old one keeps serving, it takes over on the
// next visit, and caches of other versions are deleted.
const VERSION = "__MATFUSE_VERSION__";
const PRECACHE = __MATFUSE_PRECACHE__;
const CACHE_PREFIX = "matfuse-";
const CACHE = CACHE_PREFIX + VERSION;
// Answered by the server only: the API, health and metrics, short share links.
const NETWORK_ONLY = [/^\/api\//, /^\/healthz$/, /^\/metrics$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((pattern) => pattern.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

// A page: a cached file by its path ("/" is index.html), a short share link from the server
// (the app's shell when the server cannot be reached), any other path the app's shell.
async function page(request, url) {
  if (url.pathname.startsWith("/s/")) {
    return fetch(request).catch(() => shell());
  }
  const path = url.pathname === "/" ? "/index.html" : url.pathname;
  const hit = await caches.match(path, { cacheName: CACHE });
  if (hit) return hit;
  return fetch(request).catch(() => shell());
}

async function shell() {
  const hit = await caches.match("/index.html", { cacheName: CACHE });
  return hit || Response.error();
}
