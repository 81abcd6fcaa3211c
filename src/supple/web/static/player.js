// Supple's player: walks the timeline the server computed, against performance.now()
// deadlines, and records every event through an IndexedDB outbox with ids made here, so a
// session finishes offline and each event reaches the server exactly once.
import { postJson } from "./csrf.js";

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
let lastCue = ""; // what the cue line says when not paused: restored on resume
let startedWall = null; // Date.now() at Start, for the time taken
const outcome = new Map(); // step index -> "completed" | "skipped", for the summary
const rated = new Map(); // exercise name -> "pain 3 out of 10"
let stoppedBy = null; // {name, pain, quality} of the rating that stopped the session

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
        res = await postJson(item.url, item.body);
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
voiceBox.addEventListener("change", () => {
  localStorage.setItem("supple.voice", voiceBox.checked ? "on" : "off");
  if (!voiceBox.matches(":focus-visible")) voiceBox.blur(); // tapped: Space pauses again at once
});
function listVoices() {
  const voices = "speechSynthesis" in window ? speechSynthesis.getVoices() : [];
  voicePick.parentElement.hidden = voices.length < 2;
  voicePick.replaceChildren(...voices.map((v) => new Option(`${v.name} (${v.lang})`, v.name)));
  voicePick.value = localStorage.getItem("supple.voiceName") || "";
}
if ("speechSynthesis" in window) speechSynthesis.addEventListener("voiceschanged", listVoices);
listVoices();
voicePick.addEventListener("change", () => localStorage.setItem("supple.voiceName", voicePick.value));

function speak(text, interrupt) {
  if (!voiceBox.checked || !("speechSynthesis" in window) || !text) return;
  if (!interrupt && speechSynthesis.speaking) return; // a count never talks over a cue
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  const v = speechSynthesis.getVoices().find((x) => x.name === voicePick.value);
  if (v) u.voice = v;
  speechSynthesis.speak(u);
}

function say(text) {
  lastCue = text;
  $("cue").textContent = text;
  speak(text, true);
}

function tone(freq, volume, length) {
  if (!audio || localStorage.getItem("supple.sounds") === "off") return; // Settings: sounds off
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(volume, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + length);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + length + 0.01);
}
const beep = (high) => tone(high ? 1320 : 880, 0.2, 0.15);
const softTick = () => tone(660, 0.06, 0.05); // each new rep: heard, not startling

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

// --- reps at tempo: which rep and which phase, from the step's own rep_seconds and phases ---
function repAt(s, now) {
  if (s.kind !== "work" || s.reps === null || !s.rep_seconds || deadline === null) return null;
  const per = s.rep_seconds * 1000;
  const elapsed = Math.max(0, now - startedAt);
  const n = Math.min(s.reps, Math.floor(elapsed / per) + 1);
  let into = (elapsed - (n - 1) * per) / 1000;
  let phase = null;
  for (const [name, seconds] of s.phases || []) {
    phase = name;
    if (into < seconds) break;
    into -= seconds;
  }
  return { n, of: s.reps, phase };
}

function cues() {
  const s = step();
  const out = [];
  if (deadline === null) return out;
  if (repAt(s, startedAt)) {
    for (let n = 2; n <= s.reps; n++) out.push([startedAt + (n - 1) * s.rep_seconds * 1000, `rep${n}`, String(n)]);
  }
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
        if (name.startsWith("beep")) beep(name === "beep1");
        else if (name.startsWith("rep")) { softTick(); speak(text, false); }
        else say(text);
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
  outcome.set(s.index, kind === "step_completed" ? "completed" : "skipped");
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

function showEnd() {
  summarise();
  $("end").hidden = false;
  render(true);
  $("end-title").focus({ preventScroll: true });
  $("end").scrollIntoView({ block: "start" });
}

function finish() {
  status = "over";
  view.dataset.end = "finished";
  emit("session_finished", null);
  say("Session done. Well done.");
  showEnd();
}

function stopForPain(advice) {
  status = "over";
  view.dataset.end = "stopped";
  emit("session_stopped", step().index, { reason: "pain" });
  $("end-title").textContent = "Session stopped for pain";
  const felt = stoppedBy && stoppedBy.quality ? `, and it felt ${stoppedBy.quality}` : "";
  $("stop-why").textContent = stoppedBy
    ? `You rated ${stoppedBy.name} ${stoppedBy.pain} out of 10${felt}.`
    : "You reported pain that means stopping.";
  $("stop-rule").textContent = rules.stop_rule;
  $("stop-advice").textContent = advice;
  $("stopped").hidden = false;
  $("end-text").textContent = "When you are ready, two quick answers help Supple set your next doses.";
  say("Stop here and rest.");
  showEnd();
}

// What was done, how long it took and what was rated: from this page's own record, so the
// summary shows offline too.
function summarise() {
  const done = [];
  const skipped = [];
  const items = [...new Set(steps.filter((x) => x.kind === "work").map((x) => x.item))];
  for (const item of items) {
    const work = steps.filter((x) => x.kind === "work" && x.item === item);
    const states = work.map((x) => outcome.get(x.index));
    if (states.includes("completed")) done.push(work[0].exercise_name);
    else if (states.includes("skipped")) skipped.push(work[0].exercise_name);
  }
  const minutes = startedWall === null ? 0 : Math.round((Date.now() - startedWall) / 60000);
  const rows = [
    ["Done", done.length ? done.join(", ") : "none"],
    ["Skipped", skipped.length ? skipped.join(", ") : "none"],
    ["Time", minutes < 1 ? "under a minute" : `${minutes} min`],
    ["Rated", rated.size ? [...rated].map(([name, what]) => `${name}: ${what}`).join("\n") : "nothing"],
  ];
  $("summary").replaceChildren(...rows.flatMap(([term, text]) => {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = term;
    dd.textContent = text;
    return [dt, dd];
  }));
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
    rated.set(r.name, `pain ${body.pain} out of 10${body.quality ? `, ${body.quality}` : ""}`);
    stoppedBy = { name: r.name, pain: body.pain, quality: body.quality };
    const url = `/api/v1/sessions/${session.id}/ratings`;
    try {
      const res = await postJson(url, body, { signal: AbortSignal.timeout(4000) });
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
    const res = await postJson("/api/v1/sessions", { date: data.date, ...data.choices });
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
  startedWall = Date.now();
  status = "running";
  begin(performance.now(), session.resume_point ? "resume" : null);
}

function togglePause() {
  if (status === "running") {
    status = "paused"; hold(); emit("paused", step().index);
    $("cue").textContent = "Paused. Press Resume when you are ready.";
    speak("Paused.", true);
  } else if (status === "paused") {
    unhold(); status = "running"; emit("resumed", step().index);
    $("cue").textContent = lastCue; // the cue of the step being done, not "Paused."
  }
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

// A button or the voice box clicked with a pointer gives its focus back to the page, so the
// next Space or Enter is a shortcut, never a second press of what was clicked. A button reached
// with Tab keeps its focus, and Space or Enter on it press that button only (the shortcut is not
// run as well).
view.addEventListener("click", (e) => {
  const target = e.target.closest(".controls button, .bar label, .bar input");
  if (target && e.detail > 0) document.activeElement?.blur();
});

const KEYS = { " ": "pause", ArrowRight: "skip", ArrowLeft: "back", Enter: "done", "+": "more", "=": "more", "-": "less", h: "hurt", H: "hurt" };
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target instanceof Element ? e.target : document.body;
  if (t.closest("dialog, input, select, textarea")) return; // typing and choosing stay theirs
  const activates = e.key === " " || e.key === "Enter";
  if (activates && t.closest("button, a")) return; // the focused control's own press, once
  const name = KEYS[e.key];
  if (e.repeat) { if (name || activates) e.preventDefault(); return; } // a held key acts once
  if (e.key === "v" || e.key === "V") { e.preventDefault(); voiceBox.click(); return; }
  if (status === "ready" && activates) { e.preventDefault(); askBefore(); return; }
  if (name) { e.preventDefault(); actions[name](); }
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

function minutesLeft(now) {
  const current = deadline === null ? step().seconds : Math.max(0, (deadline - now) / 1000);
  const later = steps.slice(idx + 1).reduce((sum, x) => sum + x.seconds, 0);
  const m = Math.round((current + later) / 60);
  return m >= 1 ? `about ${m} min left` : "under a minute left";
}

const UNIT = { ready: "seconds to get ready", switch: "seconds to switch", rest: "seconds of rest", transition: "seconds to get ready" };

function render(force) {
  const s = step();
  const now = pausedAt ?? performance.now();
  const rep = status === "ready" || status === "over" ? null : repAt(s, now);
  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  let clock = String(s.seconds);
  let unit = UNIT[s.kind] || "seconds";
  if (status !== "ready") {
    if (rep) { clock = String(rep.n); unit = `rep ${rep.n} of ${rep.of} · ${left} s left in this set`; }
    else if (deadline === null) { clock = String(s.reps ?? ""); unit = s.reps ? "reps: press Done when the set is finished" : ""; }
    else { clock = String(left); unit = s.kind === "work" ? "seconds left" : UNIT[s.kind]; }
  }
  if (status === "paused") unit = `Paused · ${unit}`;
  const key = `${idx}|${status}|${clock}|${rep ? rep.phase : ""}|${left}`;
  if (!force && key === shown) return;
  shown = key;
  view.dataset.state = status;
  view.dataset.kind = s.kind;
  view.dataset.step = String(idx);
  if (status === "over") return renderOver();
  $("clock").textContent = clock;
  $("unit").textContent = unit;
  $("phase").hidden = !(rep && rep.phase);
  $("phase").textContent = rep && rep.phase ? rep.phase[0].toUpperCase() + rep.phase.slice(1) : "";
  $("name").textContent = s.kind === "rest" ? `Rest · ${s.exercise_name}` : s.exercise_name;
  showFigure(s);
  const sets = s.sets > 1 ? (s.kind === "rest" ? `set ${s.set_no + 1} of ${s.sets} next` : `set ${s.set_no} of ${s.sets}`) : "";
  $("where").textContent = [s.side, sets].filter(Boolean).join(" · ") || "\u00a0";
  $("progress").value = idx;
  const items = steps.length ? steps[steps.length - 1].item + 1 : 0;
  $("stepof").textContent = status === "ready"
    ? `${data.title} · ${items} exercises · ${minutesLeft(now).replace(" left", "")}`
    : `Exercise ${s.item + 1} of ${items} · ${minutesLeft(now)}`;
  const nxt = steps.slice(idx + 1).find((x) => x.kind === "work" && x.item !== s.item);
  $("next").textContent = nxt ? `Next up: ${nxt.exercise_name}` : "Last exercise";
  const on = live();
  $("start").hidden = status !== "ready";
  for (const id of ["pause", "back", "skip", "hurt"]) $(id).hidden = !on;
  $("pause").textContent = status === "paused" ? "Resume" : "Pause";
  $("done").hidden = !(on && s.kind === "work" && (s.reps !== null || s.min_seconds !== null));
  $("less").hidden = $("more").hidden = !(on && s.kind === "rest");
}

function renderOver() { // the end: no clock, no controls; what happened and what comes now
  const stopped = view.dataset.end === "stopped";
  $("progress").value = stopped ? idx : steps.length;
  $("stepof").textContent = stopped ? "Session stopped" : "Session finished";
  for (const id of ["start", "pause", "back", "skip", "hurt", "done", "less", "more"]) $(id).hidden = true;
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
