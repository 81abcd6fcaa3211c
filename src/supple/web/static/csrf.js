// Writes from scripts carry the anti-forgery token as the X-CSRF-Token header. The page brings
// one in <meta name="csrf-token">; when the server refuses it (403: a cookie expired, an outbox
// replayed after a restart), a fresh one is asked for once and the write sent again.
let token = document.querySelector('meta[name="csrf-token"]')?.content || null;

async function freshToken() {
  const res = await fetch("/api/v1/csrf-token", { credentials: "same-origin", cache: "no-store" });
  if (!res.ok) throw new TypeError("no token");
  token = (await res.json()).token;
  return token;
}

// POST a JSON body; the fetch options (signal…) pass through. Rejects like fetch when offline.
export async function postJson(url, body, options = {}) {
  const send = (t) => fetch(url, {
    ...options,
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": t || "" },
    body: JSON.stringify(body),
  });
  const res = await send(token || await freshToken());
  return res.status === 403 ? send(await freshToken()) : res;
}
