// Supple's player: walks the timeline the server computed, against performance.now()
// deadlines, and records every event through an IndexedDB outbox with ids made here, so a
// session finishes offline and each event reaches the server exactly once.
const data = JSON.parse(document.getElementById("data").textContent);
const rules = data.rules; // constants of the core player and the pain rule, sent by the server
const $ = (id) => document.getElementById(id);
const view = $("player");
let steps = data.steps;
let session = null;
let idx = 0;
let status = "ready"; // ready | running | paused | rating | over
let startedAt = 0;
let deadline = null; // null: waits for "done"
let pausedAt = null;
let fired = new Set();
let rating = null; // {exercise, name, hurt}
let audio = null;
let wake = null;

// --- ids and the outbox ------------------------------------------------------------------
function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("supple", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
const dbReady = openDb();

async function tx(mode, fn) {
  const db = await dbReady;
  return new Promise((resolve, reject) => {
    const t = db.transaction("outbox", mode);
    const out = fn(t.objectStore("outbox"));
    t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
    t.onerror = () => reject(t.error);
  });
}

async function enqueue(url, body) {
  await tx("readwrite", (s) => s.add({ url, body }));
  flush();
}

let flushing = false;
async function flush() {
  if (flushing || !navigator.onLine) return showNet();
  flushing = true;
  try {
    const items = await tx("readonly", (s) => s.getAll());
    for (const item of items) {
      let res;
      try {
        res = await fetch(item.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(item.body) });
      } catch {
        break; // the network is gone again: keep the rest for later, in order
      }
      if (res.status >= 500) break;
      await tx("readwrite", (s) => s.delete(item.seq)); // stored, already stored, or refused for good
    }
  } finally {
    flushing = false;
    showNet();
  }
}

async function showNet() {
  const waiting = await tx("readonly", (s) => s.count());
  $("net").textContent = navigator.onLine
    ? (waiting ? `Saving ${waiting}…` : "Saved")
    : `Offline: ${waiting} saved on this device`;
}
window.addEventListener("online", flush);
window.addEventListener("offline", showNet);
setInterval(flush, 5000);

function emit(kind, stepIndex, extra) {
  if (!session) return;
  const body = { id: newId(), kind, step_index: stepIndex, at: new Date().toISOString() };
  if (extra) body.data = extra;
  enqueue(`/api/v1/sessions/${session.id}/events`, body);
}

// --- voice and sound -----------------------------------------------------------------------
const voiceBox = $("voice");
const voicePick = $("voices");
voiceBox.checked = localStorage.getItem("supple.voice") !== "off";
voiceBox.addEventListener("change", () => localStorage.setItem("supple.voice", voiceBox.checked ? "on" : "off"));
function listVoices() {
  const voices = "speechSynthesis" in window ? speechSynthesis.getVoices() : [];
  voicePick.parentElement.hidden = voices.length < 2;
  voicePick.replaceChildren(...voices.map((v) => new Option(`${v.name} (${v.lang})`, v.name)));
  voicePick.value = localStorage.getItem("supple.voiceName") || "";
}
if ("speechSynthesis" in window) speechSynthesis.addEventListener("voiceschanged", listVoices);
listVoices();
voicePick.addEventListener("change", () => localStorage.setItem("supple.voiceName", voicePick.value));

function say(text) {
  $("cue").textContent = text;
  if (!voiceBox.checked || !("speechSynthesis" in window) || !text) return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  const v = speechSynthesis.getVoices().find((x) => x.name === voicePick.value);
  if (v) u.voice = v;
  speechSynthesis.speak(u);
}

function beep(high) {
  if (!audio) return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = high ? 1320 : 880;
  gain.gain.setValueAtTime(0.2, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.15);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.16);
}

async function keepAwake() {
  try {
    if ("wakeLock" in navigator && document.visibilityState === "visible") wake = await navigator.wakeLock.request("screen");
  } catch { wake = null; }
}
document.addEventListener("visibilitychange", () => { if (status === "running" && !wake) keepAwake(); });

// --- walking the steps ---------------------------------------------------------------------
const step = () => steps[idx];

function begin(at, how) {
  startedAt = at;
  const s = step();
  deadline = s.waits_for_done ? null : at + s.seconds * 1000;
  fired = new Set();
  emit("step_started", s.index, how ? { how } : null);
  say(s.cue_start);
  render(true);
}

function cues() {
  const s = step();
  const out = [];
  if (deadline === null) return out;
  if (s.cue_half) out.push([startedAt + (deadline - startedAt) / 2, "half", s.cue_half]);
  if (s.cue_end && s.seconds > rules.last_seconds) out.push([deadline - rules.last_seconds * 1000, "end", s.cue_end]);
  for (let n = rules.last_seconds; n >= 1; n--) out.push([deadline - n * 1000, `beep${n}`, null]);
  return out;
}

function tick() {
  const now = performance.now();
  while (status === "running") {
    for (const [due, name, text] of cues()) {
      if (!fired.has(name) && due <= now) {
        fired.add(name);
        if (name.startsWith("beep")) beep(name === "beep1"); else say(text);
      }
    }
    if (deadline === null || deadline > now) break;
    leave("step_completed", deadline);
  }
  render(false);
}

function endsExercise(i) {
  const s = steps[i];
  return s.kind === "work" && (i + 1 >= steps.length || steps[i + 1].item !== s.item);
}

function leave(kind, at) {
  const s = step();
  emit(kind, s.index, kind === "step_completed" ? { how: deadline === null || at < deadline ? "done" : "timer" } : null);
  const asks = endsExercise(idx);
  if (idx + 1 >= steps.length) {
    if (asks) askPain(s, false, () => finish());
    else finish();
    return;
  }
  idx += 1;
  begin(at);
  if (asks) askPain(s, false);
}

function finish() {
  status = "over";
  emit("session_finished", null);
  say("Session done. Well done.");
  $("end").hidden = false;
  render(true);
  $("end-title").focus?.();
}

function stopForPain(advice) {
  status = "over";
  emit("session_stopped", step().index, { reason: "pain" });
  $("end-title").textContent = "Session stopped";
  $("end-text").textContent = advice;
  $("end").hidden = false;
  say("Stop here and rest.");
  render(true);
}

function hold() { // freeze the clock, as a pause does, without recording a pause
  pausedAt = performance.now();
}
function unhold() {
  const shift = performance.now() - pausedAt;
  startedAt += shift;
  if (deadline !== null) deadline += shift;
  pausedAt = null;
}

function askPain(s, hurt, then) {
  const before = status;
  if (status === "running") hold();
  status = "rating";
  rating = { exercise: s.exercise_id, name: s.exercise_name, hurt, before, then };
  $("rate-name").textContent = s.exercise_name;
  $("rate-form").reset();
  $("rate").showModal();
}

$("rate").addEventListener("close", async () => {
  const r = rating;
  rating = null;
  const form = new FormData($("rate-form"));
  const value = $("rate").returnValue === "save" ? form.get("pain") : null;
  let stop = false;
  let advice = rules.stop_advice;
  if (value !== null && session) {
    const body = { exercise: r.exercise, pain: Number(value), hurt: r.hurt, quality: form.get("quality") || null };
    const url = `/api/v1/sessions/${session.id}/ratings`;
    try {
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(4000) });
      const answer = await res.json();
      stop = Boolean(answer.stop);
      advice = answer.advice || advice;
    } catch {
      await enqueue(url, body); // offline: the server's own rule, as sent with the page
      stop = body.pain >= rules.stop_at || rules.alarming.includes(body.quality);
    }
  }
  if (stop) return stopForPain(advice);
  status = r.before === "rating" ? "running" : r.before;
  if (status === "running") unhold(); else if (status === "paused") pausedAt = pausedAt ?? performance.now();
  if (r.then) r.then();
  render(true);
});

// --- before and after: the session check-in (the same service as `supple checkin session`) ---
function checkin(body) {
  enqueue("/api/v1/checkins", { kind: "session", date: data.date, ...body });
}

function askBefore() {
  if (status !== "ready") return;
  $("before-form").reset();
  $("before").showModal();
}
$("before").addEventListener("close", () => {
  const form = new FormData($("before-form"));
  if ($("before").returnValue === "save" && form.get("pain") !== null) {
    const body = { before_pain: Number(form.get("pain")) };
    if (form.get("stiffness") !== null) body.before_stiffness = Number(form.get("stiffness"));
    checkin(body);
  }
  start();
});

$("after-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData($("after-form"));
  const body = { rpe: Number(form.get("rpe")) };
  if (form.get("pain") !== null) body.after_pain = Number(form.get("pain"));
  checkin(body);
  $("after-form").hidden = true;
  $("after-saved").textContent = "Saved. Thank you.";
});

// --- controls ------------------------------------------------------------------------------
async function start() {
  audio = audio || (window.AudioContext ? new AudioContext() : null);
  keepAwake();
  $("start").disabled = true;
  try {
    const res = await fetch("/api/v1/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ date: data.date }) });
    const body = await res.json();
    if (!res.ok) throw new Error(typeof body.detail === "string" ? body.detail : body.detail.map((d) => d.reason).join(" "));
    session = body;
  } catch (err) {
    $("start").disabled = false;
    $("cue").textContent = err instanceof TypeError ? "Supple needs the network to start a session. Try again when you are online." : err.message;
    return;
  }
  steps = session.steps;
  idx = session.resume_point ?? 0;
  status = "running";
  begin(performance.now(), session.resume_point ? "resume" : null);
}

function togglePause() {
  if (status === "running") { status = "paused"; hold(); emit("paused", step().index); say("Paused."); }
  else if (status === "paused") { unhold(); status = "running"; emit("resumed", step().index); }
  render(true);
}

function canFinishEarly() {
  const s = step();
  if (s.kind !== "work") return false;
  if (s.reps !== null) return true;
  const elapsed = ((pausedAt ?? performance.now()) - startedAt) / 1000;
  return s.min_seconds !== null && elapsed >= s.min_seconds;
}

const live = () => status === "running" || status === "paused";
const actions = {
  pause: () => live() && togglePause(),
  skip: () => live() && leave("step_skipped", performance.now()),
  done: () => live() && canFinishEarly() && leave("step_completed", performance.now()),
  back: () => {
    if (!live()) return;
    idx = Math.max(0, idx - 1);
    const now = performance.now();
    begin(now, "back");
    if (status === "paused") pausedAt = now;
  },
  less: () => adjustRest(-rules.rest_step),
  more: () => adjustRest(rules.rest_step),
  hurt: () => {
    if (!live()) return;
    let s = step();
    if (s.kind === "transition" && idx > 0) s = steps[idx - 1];
    emit("hurt_flagged", s.index, { exercise: s.exercise_id });
    askPain(s, true);
  },
};

function adjustRest(seconds) {
  if (!live() || step().kind !== "rest" || deadline === null) return;
  const now = pausedAt ?? performance.now();
  deadline = Math.max(now, deadline + seconds * 1000);
  for (const name of ["end", "beep3", "beep2", "beep1"]) fired.delete(name);
  emit("rest_adjusted", step().index, { seconds });
  render(true);
}

$("start").addEventListener("click", askBefore);
for (const name of Object.keys(actions)) $(name).addEventListener("click", actions[name]);
document.addEventListener("keydown", (e) => {
  if (e.target.closest("dialog, select, input") || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = { " ": "pause", ArrowRight: "skip", ArrowLeft: "back", Enter: "done", "+": "more", "=": "more", "-": "less", h: "hurt", H: "hurt" }[e.key];
  if (e.key === "v" || e.key === "V") { voiceBox.click(); e.preventDefault(); return; }
  if (status === "ready" && (e.key === " " || e.key === "Enter") && e.target === document.body) { e.preventDefault(); askBefore(); return; }
  if (key && e.target.tagName !== "BUTTON") { e.preventDefault(); actions[key](); }
});

// --- drawing -------------------------------------------------------------------------------
let shown = "";
let figureKey = null;
function showFigure(s) { // the current exercise's figure, on the side being worked
  const key = `${s.exercise_id}|${s.side ? s.side.split(" ")[0] : ""}`;
  if (key === figureKey) return;
  figureKey = key;
  const t = document.querySelector(`template[data-fig="${CSS.escape(key)}"]`);
  $("figure").replaceChildren(...(t ? [t.content.cloneNode(true)] : []));
}

function render(force) {
  const s = step();
  const now = pausedAt ?? performance.now();
  const clock = status === "ready"
    ? String(s.seconds)
    : deadline === null ? `${s.reps ?? ""}` : String(Math.max(0, Math.ceil((deadline - now) / 1000)));
  const key = `${idx}|${status}|${clock}`;
  if (!force && key === shown) return;
  shown = key;
  view.dataset.state = status;
  view.dataset.kind = s.kind;
  $("clock").textContent = status === "over" ? "✓" : clock;
  $("name").textContent = s.kind === "rest" ? `Rest · ${s.exercise_name}` : s.exercise_name;
  showFigure(s);
  const sets = s.sets > 1 ? `Set ${s.set_no} of ${s.sets}` : "";
  const reps = deadline === null && s.reps ? "reps: press Done when finished" : "";
  $("where").textContent = [s.side, sets, reps].filter(Boolean).join(" · ");
  $("progress").value = status === "over" ? steps.length : idx;
  $("stepof").textContent = `Step ${idx + 1} of ${steps.length}`;
  const nxt = steps.slice(idx + 1).find((x) => x.kind === "work" && x.item !== s.item);
  $("next").textContent = nxt ? `Next up: ${nxt.exercise_name}` : "Last exercise";
  const on = live();
  $("start").hidden = status !== "ready";
  for (const id of ["pause", "back", "skip", "hurt"]) $(id).hidden = !on;
  $("pause").textContent = status === "paused" ? "Resume" : "Pause";
  $("done").hidden = !(on && s.kind === "work" && (s.reps !== null || s.min_seconds !== null));
  $("less").hidden = $("more").hidden = !(on && s.kind === "rest");
}

function loop() {
  if (status === "running") tick();
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);
setInterval(() => status === "running" && tick(), 250); // rAF sleeps in a background tab
showNet();
flush();
render(true);
