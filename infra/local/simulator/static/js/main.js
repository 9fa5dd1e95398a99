// The simulator page: citizens side by side, each a Phone; kept in this browser (localStorage) across reloads.

import * as line from "./line.js";
import { Phone } from "./phone.js";

const STORE = "civic-desk-simulator/v1";
const MENU_EVERY_MS = 4000;

const phones = [];
let settings = { agency: "", destination: "U" + "0".repeat(32) };

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "[]");
  } catch {
    return [];
  }
}

function save() {
  localStorage.setItem(STORE, JSON.stringify(phones.map((p) => ({ ...p.citizen, own: p.citizen.own.filter((e) => !e.preview) }))));
}

const app = {
  get agency() { return settings.agency; },
  get destination() { return settings.destination; },
  save,
  remove(phone) {
    phone.stop();
    phones.splice(phones.indexOf(phone), 1);
    save();
    showEmpty();
  },
};

function showEmpty() {
  document.getElementById("no-citizens").hidden = phones.length > 0;
}

let lastMenu = null;

async function open(citizen) {
  const phone = new Phone(citizen, app);
  phones.push(phone);
  document.getElementById("phones").append(phone.element);
  showEmpty();
  phone.setRichMenu(lastMenu);
  await phone.redraw();
  phone.run();
  return phone;
}

async function watchRichMenu() {
  for (;;) {
    try {
      lastMenu = await line.richMenu();
    } catch {
      // the stack may be restarting: keep the menu shown
    }
    for (const phone of phones) phone.setRichMenu(lastMenu);
    await new Promise((done) => setTimeout(done, MENU_EVERY_MS));
  }
}

function fitHeight() {
  const head = document.querySelector(".page-head");
  document.documentElement.style.setProperty("--head-height", `${head.offsetHeight}px`);
}

async function start() {
  fitHeight();
  window.addEventListener("resize", fitHeight);
  try {
    settings = await line.config();
  } catch {
    // served without the local stack's helper: the defaults still post webhooks
  }
  document.getElementById("agency").textContent = settings.agency || "the agency";
  try {
    lastMenu = await line.richMenu();
  } catch {
    lastMenu = null;
  }
  for (const citizen of load()) await open({ own: [], ...citizen });
  showEmpty();
  document.getElementById("add-citizen").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const name = String(form.get("name")).trim();
    if (!name) return;
    const phone = await open({ userId: line.newUserId(), name, language: String(form.get("language")), status: "new", own: [] });
    save();
    phone.parts.follow.focus();
  });
  watchRichMenu();
  document.body.dataset.ready = "true";
}

start();
