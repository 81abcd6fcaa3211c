// "Get notifications on this device" on /account/notifications: registers the service worker,
// subscribes with the practice's VAPID public key (the page's data-push-key) and posts the
// subscription (endpoint, keys p256dh and auth) with the anti-forgery token. Where the browser
// cannot receive push, the button stays hidden and a sentence says why.
import { postJson } from "./csrf.js";

const box = document.querySelector("[data-push]");
if (box) setUp(box);

function whyNot() {
  if (!window.isSecureContext) {
    return "Push needs a secure (https) connection, and this page did not arrive over one.";
  }
  const able = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!able) {
    return /iPhone|iPad/.test(navigator.userAgent)
      ? "On an iPhone or iPad, push works once Supple is on the Home Screen: Share, then Add to Home Screen, then open it from there."
      : "This browser cannot receive push notifications from a web page.";
  }
  if (Notification.permission === "denied") {
    return "Notifications are blocked for this site in your browser's settings; allow them there, then come back.";
  }
  return null;
}

// The VAPID key as the bytes PushManager.subscribe expects (it is base64url without padding).
function keyBytes(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function setUp(box) {
  const button = box.querySelector("[data-push-button]");
  const why = box.querySelector("[data-push-why]");
  const status = box.querySelector("[data-push-status]");
  const reason = whyNot();
  if (reason) {
    why.textContent = reason;
    return;
  }
  why.hidden = true;
  button.hidden = false;
  button.addEventListener("click", () => subscribe(box.dataset.pushKey, button, status));
}

async function subscribe(key, button, status) {
  button.disabled = true;
  status.textContent = "Asking your browser…";
  try {
    if ((await Notification.requestPermission()) !== "granted") {
      status.textContent = "Notifications were not allowed, so nothing was added.";
      return;
    }
    const registration = await navigator.serviceWorker.register("/sw.js");
    const subscription = (await registration.pushManager.getSubscription())
      || (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
    const answer = await postJson("/account/notifications/push", subscription.toJSON());
    if (answer.status === 201) {
      window.location.assign("/account/notifications?done=added");
      return;
    }
    const body = await answer.json().catch(() => ({}));
    status.textContent = `Not added: ${body.detail || `the server answered ${answer.status}`}.`;
  } catch (err) {
    status.textContent = `Not added: ${err && err.message ? err.message : err}.`;
  } finally {
    button.disabled = false;
  }
}
