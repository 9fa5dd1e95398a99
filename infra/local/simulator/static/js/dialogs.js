// The phone's own pickers: a date/time for a datetimepicker action, and a place to share (a small map or coordinates).

// LINE writes datetimes as 2017-12-25t00:00 (a small t); the browser's datetime-local wants a capital T.
const toInput = (mode, value) => (value && mode === "datetime" ? value.replace("t", "T") : value || "");
const fromInput = (mode, value) => (mode === "datetime" ? value.replace("T", "t") : value);

/** Ask for a date, time or datetime as the action says; resolves to LINE's postback params, or null. */
export function pickDateTime(action, words) {
  const dialog = document.getElementById("picker");
  const input = document.getElementById("picker-input");
  const mode = ["date", "time", "datetime"].includes(action.mode) ? action.mode : "datetime";
  document.getElementById("picker-title").textContent = action.label || words.pick[mode];
  document.getElementById("picker-label").textContent = words.pick[mode];
  input.type = mode === "datetime" ? "datetime-local" : mode;
  input.min = toInput(mode, action.min);
  input.max = toInput(mode, action.max);
  input.value = toInput(mode, action.initial);
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" && input.value ? { [mode]: fromInput(mode, input.value) } : null);
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
}

// The little map spans a box around Thailand: enough to move a pin and get plausible coordinates.
const BOX = { north: 20.5, south: 5.5, west: 97.3, east: 105.7 };

function setPin(lat, lng) {
  const pin = document.getElementById("place-pin");
  pin.setAttribute("cx", String(((lng - BOX.west) / (BOX.east - BOX.west)) * 200));
  pin.setAttribute("cy", String(((BOX.north - lat) / (BOX.north - BOX.south)) * 120));
}

function fill(lat, lng, title, address) {
  document.getElementById("place-lat").value = Number(lat).toFixed(6);
  document.getElementById("place-lng").value = Number(lng).toFixed(6);
  if (title != null) document.getElementById("place-name").value = title;
  if (address != null) document.getElementById("place-address").value = address;
  setPin(Number(lat), Number(lng));
}

let wired = false;

function wire() {
  if (wired) return;
  wired = true;
  for (const preset of document.querySelectorAll("#place .presets button[data-lat]")) {
    preset.addEventListener("click", () => fill(preset.dataset.lat, preset.dataset.lng, preset.dataset.title, preset.dataset.address));
  }
  document.getElementById("place-here").addEventListener("click", () => {
    navigator.geolocation?.getCurrentPosition((p) => fill(p.coords.latitude, p.coords.longitude, "", ""));
  });
  const map = document.getElementById("place-map");
  map.addEventListener("click", (event) => {
    const box = map.getBoundingClientRect();
    const lng = BOX.west + ((event.clientX - box.left) / box.width) * (BOX.east - BOX.west);
    const lat = BOX.north - ((event.clientY - box.top) / box.height) * (BOX.north - BOX.south);
    fill(lat, lng, null, null);
  });
  for (const id of ["place-lat", "place-lng"]) {
    document.getElementById(id).addEventListener("input", () => setPin(
      Number(document.getElementById("place-lat").value), Number(document.getElementById("place-lng").value)));
  }
}

/** Ask for a place; resolves to {title, address, latitude, longitude}, or null. */
export function pickPlace() {
  wire();
  const dialog = document.getElementById("place");
  if (!document.getElementById("place-lat").value) {
    const first = document.querySelector("#place .presets button[data-lat]");
    fill(first.dataset.lat, first.dataset.lng, first.dataset.title, first.dataset.address);
  }
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "ok") return resolve(null);
      resolve({
        title: document.getElementById("place-name").value.trim(),
        address: document.getElementById("place-address").value.trim(),
        latitude: Number(document.getElementById("place-lat").value),
        longitude: Number(document.getElementById("place-lng").value),
      });
    }, { once: true });
    dialog.showModal();
  });
}
