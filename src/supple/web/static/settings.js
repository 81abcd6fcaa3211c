// Settings and the first run's "when" step: the time zone comes from this browser, and the
// voice and sound choices are kept on this device, where the player reads them.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

for (const field of document.querySelectorAll("input[data-browser-zone]")) {
  if (!field.value && zone) field.value = zone;
}
for (const shown of document.querySelectorAll("[data-zone-shown]")) {
  if (zone) shown.textContent = zone;
}
for (const button of document.querySelectorAll("button[data-use-zone]")) {
  const field = document.getElementById(button.dataset.useZone);
  if (!zone || !field) continue;
  button.textContent = `Use this device's zone (${zone})`;
  button.hidden = false;
  button.addEventListener("click", () => { field.value = zone; field.focus(); });
}
for (const box of document.querySelectorAll("input[data-pref]")) {
  const key = `supple.${box.dataset.pref}`;
  box.checked = localStorage.getItem(key) !== "off";
  box.addEventListener("change", () => localStorage.setItem(key, box.checked ? "on" : "off"));
}
