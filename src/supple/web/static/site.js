// Every page: the service worker (pages already visited stay available offline), and the
// session linked from Today kept ready for offline use. Loaded as a file, never inline, so the
// Content-Security-Policy can forbid inline script.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");

for (const link of document.querySelectorAll("a[data-keep-offline]")) {
  if ("caches" in window) caches.open("supple-v1").then((c) => c.add(link.getAttribute("href"))).catch(() => {});
}
