// One citizen's LINE app: the chat with the agency's account, its rich menu, quick replies and composer.
// What the citizen does becomes a signed webhook (line.js); what the bot sent is read back from the fake LINE.

import { pickDateTime, pickPlace } from "./dialogs.js";
import { words } from "./i18n.js";
import * as line from "./line.js";
import { renderMessage } from "./messages.js";
import { el } from "./dom.js";

const OPENABLE = /^(https?:|tel:|mailto:)/i;
const FAST_MS = 300;
const SLOW_MS = 1200;
const BUSY_FOR_MS = 15000; // after a send, look for the answer often this long


function clock(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export class Phone {
  /** citizen: {userId, name, language, status: "new"|"friend"|"blocked", own: [...]}; app: {destination, agency, save} */
  constructor(citizen, app) {
    this.citizen = citizen;
    this.app = app;
    this.words = words(citizen.language);
    this.seen = 0;            // inbox entries already drawn
    this.lastBot = null;      // the last bot message drawn, for its quick replies
    this.lastWasBot = false;
    this.busyUntil = 0;
    this.alive = true;
    this.menuId = null;
    this.element = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
    this.parts = Object.fromEntries(["log", "loading", "quick-replies", "composer", "say", "send", "attach", "attachments",
      "photo", "share-place", "photo-file", "rich-menu", "chat-bar", "rich-menu-image", "rich-menu-areas", "follow",
      "remove", "oa-name", "as"].map((name) => [name, this.element.querySelector(`.${name}`)]));
    this.label();
    this.wire();
  }

  label() {
    const { words: w, citizen, parts: p } = this;
    const id = `phone-${citizen.userId}`;
    this.element.id = id;
    this.element.dataset.citizen = citizen.name;
    this.element.setAttribute("lang", citizen.language);
    this.element.setAttribute("aria-labelledby", `${id}-title`);
    p["oa-name"].id = `${id}-title`;
    p["oa-name"].textContent = `${this.app.agency} · ${citizen.name}`;
    p.as.textContent = `${w.as} ${citizen.name} · ${citizen.language} · ${citizen.userId.slice(0, 9)}…`;
    p.log.setAttribute("aria-label", w.messages);
    p.loading.setAttribute("aria-label", w.loading);
    p["quick-replies"].setAttribute("aria-label", w.quickReplies);
    const label = p.composer.querySelector("label");
    label.htmlFor = `${id}-say`;
    label.textContent = w.message;
    p.say.id = `${id}-say`;
    p.say.placeholder = w.placeholder;
    p.send.textContent = w.send;
    p.attach.setAttribute("aria-label", w.more);
    p.photo.textContent = w.photo;
    p["share-place"].textContent = w.place;
    p["rich-menu-areas"].setAttribute("aria-label", w.richMenu);
    p.remove.textContent = "×";
    p.remove.setAttribute("aria-label", w.removeLabel);
    this.showStatus();
  }

  showStatus() {
    const { citizen, parts: p, words: w } = this;
    const friend = citizen.status === "friend";
    this.element.classList.toggle("friend", friend);
    this.element.classList.toggle("blocked", citizen.status === "blocked");
    p.follow.textContent = friend ? w.block : citizen.status === "blocked" ? w.unblock : w.follow;
    for (const input of [p.say, p.send, p.attach]) input.disabled = !friend;
    p["rich-menu"].hidden = !friend || !this.menuId;
    if (!friend) this.clearQuickReplies();
  }

  wire() {
    const p = this.parts;
    p.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const said = p.say.value.trim();
      if (!said) return;
      p.say.value = "";
      this.sendText(said);
    });
    p.follow.addEventListener("click", () => this.toggleFriend());
    p.remove.addEventListener("click", () => this.app.remove(this));
    p.attach.addEventListener("click", () => {
      const open = p.attachments.hidden;
      p.attachments.hidden = !open;
      p.attach.setAttribute("aria-expanded", String(open));
    });
    p.photo.addEventListener("click", () => p["photo-file"].click());
    p["photo-file"].addEventListener("change", () => {
      const file = p["photo-file"].files[0];
      p["photo-file"].value = "";
      if (file) this.sendPhoto(file);
    });
    p["share-place"].addEventListener("click", () => this.sharePlace());
    p["chat-bar"].addEventListener("click", () => this.toggleMenu());
  }

  // ---- what the citizen does ----

  async deliver(event, options) {
    this.busyUntil = Date.now() + BUSY_FOR_MS;
    try {
      await line.deliver(this.citizen.userId, this.app.destination, event, options);
    } catch (error) {
      this.note(`${this.words.failed}: ${error.message}`, { keep: true });
    }
  }

  mine(entry) {
    const own = { at: Date.now() / 1000, ...entry };
    this.citizen.own.push(own);
    this.citizen.own = this.citizen.own.slice(-200);
    this.app.save();
    this.drawOwn(own);
    this.clearQuickReplies();
  }

  sendText(text) {
    this.mine({ kind: "text", text });
    return this.deliver(line.events.text(text));
  }

  async sendPhoto(file) {
    const id = line.newMessageId();
    try {
      await line.putContent(id, file);  // LINE keeps what the citizen sent; the bot fetches it by message id
    } catch (error) {
      return this.note(`${this.words.failed}: ${error.message}`, { keep: true });
    }
    this.mine({ kind: "image", preview: URL.createObjectURL(file), name: file.name });
    return this.deliver(line.events.image(id));
  }

  async sharePlace() {
    this.parts.attachments.hidden = true;
    this.parts.attach.setAttribute("aria-expanded", "false");
    const place = await pickPlace();
    if (!place) return;
    this.mine({ kind: "location", ...place });
    return this.deliver(line.events.location(place));
  }

  async toggleFriend() {
    const { citizen } = this;
    if (citizen.status === "friend") {
      citizen.status = "blocked";
      this.app.save();
      this.showStatus();
      this.note(this.words.blocked, { keep: true });
      await line.setBlocked(citizen.userId, true);
      return this.deliver(line.events.unfollow(), { replyable: false });
    }
    const unblocking = citizen.status === "blocked";
    this.parts.log.querySelector(".hint")?.remove();
    await line.setProfile(citizen.userId, citizen.name, citizen.language);
    if (unblocking) await line.setBlocked(citizen.userId, false);
    citizen.status = "friend";
    this.app.save();
    this.showStatus();
    this.note(unblocking ? this.words.unblocked : this.words.followed, { keep: true });
    return this.deliver(line.events.follow(unblocking));
  }

  async act(action) {
    if (!action || this.citizen.status !== "friend") return;
    const w = this.words;
    switch (action.type) {
      case "postback":
        if (action.displayText) this.mine({ kind: "text", text: action.displayText });
        else this.mine({ kind: "system", text: `${w.tapped}: ${action.label || action.data}` });
        if (action.inputOption === "openKeyboard") this.parts.say.focus();
        if (action.inputOption === "closeRichMenu") this.toggleMenu(false);
        if (action.inputOption === "openRichMenu") this.toggleMenu(true);
        if (action.fillInText) this.parts.say.value = action.fillInText;
        return this.deliver(line.events.postback(action.data));
      case "message":
        return this.sendText(action.text);
      case "uri":
        if (OPENABLE.test(action.uri || "")) {
          window.open(action.uri, "_blank", "noopener,noreferrer");
          return this.note(`${w.opens}: ${action.uri}`);
        }
        return this.note(`${w.cannotOpen}: ${action.uri}`);
      case "datetimepicker": {
        const params = await pickDateTime(action, w);
        if (!params) return;
        this.mine({ kind: "system", text: `${w.sent}: ${Object.values(params)[0]}` });
        return this.deliver(line.events.postback(action.data, params));
      }
      case "camera":
      case "cameraRoll":
        return this.parts["photo-file"].click();
      case "location":
        return this.sharePlace();
      case "clipboard":
        await navigator.clipboard?.writeText(action.clipboardText || "");
        return this.note(`📋 ${action.clipboardText}`);
      default:
        return this.note(`[${action.type}]`);
    }
  }

  // ---- the chat ----

  append(node) {
    const log = this.parts.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    log.append(node);
    if (atBottom || node.classList.contains("me")) log.scrollTop = log.scrollHeight;
  }

  note(text, { keep = false } = {}) {
    if (keep) {
      this.mine({ kind: "system", text });
      return;
    }
    this.drawOwn({ kind: "system", text, at: Date.now() / 1000 });
  }

  drawOwn(entry) {
    const item = el("div", `entry ${entry.kind === "system" ? "system" : "me"}`);
    if (entry.kind === "system") {
      item.append(el("span", "note", entry.text));
    } else if (entry.kind === "text") {
      item.append(el("div", "bubble", entry.text));
    } else if (entry.kind === "image") {
      if (entry.preview) {
        const img = el("img", "media");
        img.src = entry.preview;
        img.alt = `${this.words.photo}: ${entry.name || ""}`;
        item.append(img);
      } else {
        item.append(el("div", "bubble", `[${this.words.photo}] ${entry.name || ""}`));
      }
    } else if (entry.kind === "location") {
      item.append(el("div", "place", `📍 ${entry.title || ""} ${entry.latitude.toFixed(5)}, ${entry.longitude.toFixed(5)}`));
    }
    if (entry.kind !== "system") {
      const meta = el("div", "meta");
      meta.append(el("span", null, clock(entry.at)));
      item.append(meta);
    }
    item.dataset.at = String(entry.at);
    this.lastWasBot = false;
    this.append(item);
  }

  drawBot(entry) {
    const item = el("div", "entry bot");
    item.dataset.endpoint = entry.endpoint;
    item.dataset.at = String(entry.at);
    item.append(renderMessage(entry.message, (action) => this.act(action), this.words));
    const meta = el("div", "meta");
    // What LINE bills: a reply is free; push, multicast and broadcast count against the month's quota.
    const billed = entry.endpoint !== "reply";
    const badge = el("span", `badge ${billed ? "push" : "reply"}`,
      `${entry.endpoint} · ${billed ? this.words.billed : this.words.free}`);
    badge.dataset.testid = "billing";
    meta.append(badge, el("span", null, clock(entry.at)));
    item.append(meta);
    this.lastBot = entry.message;
    this.lastWasBot = true;
    this.append(item);
  }

  /** The whole conversation once (a reload): what the citizen did (kept in this browser) and what the bot sent. */
  async redraw() {
    this.parts.log.replaceChildren();
    let inbox = [];
    try {
      inbox = await line.inbox(this.citizen.userId);
    } catch {
      inbox = [];
    }
    const entries = [...this.citizen.own.map((e) => ({ side: "me", at: e.at, entry: e })),
      ...inbox.map((e) => ({ side: "bot", at: e.at, entry: e }))].sort((a, b) => a.at - b.at);
    for (const { side, entry } of entries) (side === "me" ? this.drawOwn(entry) : this.drawBot(entry));
    this.seen = inbox.length;
    if (!entries.length) {
      this.drawOwn({ kind: "system", text: this.words.notFriend, at: Date.now() / 1000 });
      this.parts.log.lastElementChild.classList.add("hint");  // goes once the citizen adds the account
    }
    this.showQuickReplies();
  }

  clearQuickReplies() {
    this.parts["quick-replies"].replaceChildren();
  }

  showQuickReplies() {
    this.clearQuickReplies();
    const items = this.lastWasBot && this.citizen.status === "friend" ? this.lastBot?.quickReply?.items || [] : [];
    for (const item of items) {
      const chip = el("button", null, item.action.label || item.action.type);
      chip.type = "button";
      chip.addEventListener("click", () => {
        this.clearQuickReplies();
        this.act(item.action);
      });
      this.parts["quick-replies"].append(chip);
    }
  }

  // ---- the rich menu (the channel's default, as LINE shows it to every friend) ----

  setRichMenu(menu) {
    const p = this.parts;
    const id = menu?.richMenuId || null;
    if (id !== this.menuId) {
      this.menuId = id;
      p["rich-menu-areas"].replaceChildren();
      if (menu) {
        p["chat-bar"].textContent = menu.chatBarText;
        p["rich-menu-image"].src = menu.imageUrl;
        const { width, height } = menu.size;
        for (const area of menu.areas) {
          const b = area.bounds;
          const button = el("button");
          button.type = "button";
          button.style.left = `${(b.x / width) * 100}%`;
          button.style.top = `${(b.y / height) * 100}%`;
          button.style.width = `${(b.width / width) * 100}%`;
          button.style.height = `${(b.height / height) * 100}%`;
          const name = area.action.label || area.action.displayText || area.action.text || area.action.type;
          button.setAttribute("aria-label", area.action.displayText || name);
          button.title = name;
          button.addEventListener("click", () => this.act(area.action));
          p["rich-menu-areas"].append(button);
        }
        this.toggleMenu(menu.selected !== false);
      }
    }
    p["rich-menu"].hidden = !id || this.citizen.status !== "friend";
  }

  toggleMenu(open) {
    const bar = this.parts["chat-bar"];
    const next = open ?? bar.getAttribute("aria-expanded") !== "true";
    bar.setAttribute("aria-expanded", String(next));
  }

  // ---- what arrives ----

  async tick() {
    const { citizen, parts: p } = this;
    const [inbox, loading] = await Promise.all([line.inbox(citizen.userId), line.loading(citizen.userId)]);
    const fresh = inbox.slice(this.seen);
    this.seen = inbox.length;
    for (const entry of fresh) this.drawBot(entry);
    if (fresh.length) this.showQuickReplies();
    const lastAt = inbox.length ? inbox[inbox.length - 1].at : 0;
    p.loading.hidden = !(loading.until && loading.now < loading.until && lastAt < loading.startedAt);
  }

  async run() {
    while (this.alive) {
      try {
        await this.tick();
      } catch {
        // the stack may be restarting: keep looking
      }
      await new Promise((done) => setTimeout(done, Date.now() < this.busyUntil ? FAST_MS : SLOW_MS));
    }
  }

  stop() {
    this.alive = false;
    this.element.remove();
  }
}
