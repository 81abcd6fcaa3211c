// Supple's service worker: the app shell and the pages already visited (today's session
// among them) stay available offline. Pages and API reads go to the network first and fall
// back to the copy kept here; static files are served from here and refreshed behind.
const CACHE = "supple-v1";
const SHELL = ["/static/app.css", "/static/player.css", "/static/player.js", "/static/csrf.js", "/static/site.js", "/static/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  }).catch((err) => { if (kept) return kept; throw err; });
  return kept || fresh;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(url.pathname.startsWith("/static/") ? cacheFirst(event.request) : networkFirst(event.request));
});

// A push from the practice (jobs/senders.py sends {"title", "body", "url"}): show it; a tap
// opens its page, in a window of the app already open when there is one.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const url = new URL(data.url || "/", self.location.origin);
  const link = url.origin === self.location.origin ? url.href : self.location.origin + "/";
  event.waitUntil(self.registration.showNotification(data.title || "Supple", {
    body: data.body || "",
    icon: "/static/icon.svg",
    tag: data.tag || undefined,
    data: { url: link },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin && "navigate" in w);
    if (open) {
      await open.focus();
      return open.navigate(url);
    }
    return self.clients.openWindow(url);
  })());
});
