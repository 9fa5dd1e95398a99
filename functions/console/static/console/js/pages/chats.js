// Chats: the inbox of citizens waiting for a person (polled every 4 s while the page is shown), a chat's
// messages in order with the citizen's open records beside it, and take / answer (text, a photo, or both) /
// hand back to the bot (docs/handover.md). Each answer carries its own request_id, kept while it is retried
// and renewed once it is sent, so a retried click sends once.
const POLL_MS = 4000;
const LINKS_FRESH_MS = 10 * 60 * 1000;  // photo links last 15 minutes: drawn afresh before they lapse
const S = {
  th: { heading: "แชทกับประชาชน", inbox: "กล่องแชท", empty: "ไม่มีแชทที่รอหรือเปิดอยู่", anonymous: "ประชาชน (ไม่ทราบชื่อ)",
        waiting: "รอเจ้าหน้าที่", open: "กำลังคุย", closed: "ปิดแล้ว", unread: "ยังไม่อ่าน", waited: "รอมา", minutes: "นาที",
        last: "ล่าสุด", choose: "เลือกแชทจากกล่องแชทเพื่อเปิด", take: "รับแชทนี้", takeOver: "รับแชทนี้ต่อ",
        taken: "รับแชทแล้ว ประชาชนได้รับแจ้งว่ามีเจ้าหน้าที่ดูแล", handBack: "ส่งกลับให้บอท",
        handedBack: "ส่งกลับให้บอทแล้ว ประชาชนได้รับแจ้งพร้อมเมนู", answer: "คำตอบ", photo: "แนบรูป (JPEG หรือ PNG)",
        send: "ส่งคำตอบ", sending: "กำลังส่ง…", sent: "ส่งคำตอบแล้ว", needSomething: "พิมพ์คำตอบหรือเลือกรูปก่อนส่ง",
        records: "เรื่องที่เปิดอยู่กับหน่วยงาน", noRecords: "ไม่มีเรื่องที่เปิดอยู่", ended: "แชทนี้จบแล้ว ส่งข้อความเพิ่มไม่ได้",
        notFound: "ไม่พบแชทนี้", messages: "ข้อความ", noMessages: "ยังไม่มีข้อความ", by: "ดูแลโดย",
        citizen: "ประชาชน", staff: "เจ้าหน้าที่", bot: "บอท", photoOf: "รูปจาก", openPhoto: "เปิดรูปขนาดเต็ม",
        retryKept: "ส่งไม่สำเร็จ กด “ส่งคำตอบ” อีกครั้งได้ ระบบจะไม่ส่งซ้ำ", language: "ภาษา",
        kinds: { sticker: "สติกเกอร์", location: "ตำแหน่ง", video: "วิดีโอ", audio: "เสียง", file: "ไฟล์", other: "ข้อความอื่น" } },
  en: { heading: "Chats with citizens", inbox: "Inbox", empty: "No chat is waiting or open", anonymous: "Citizen (name not kept)",
        waiting: "Waiting for a person", open: "Open", closed: "Closed", unread: "unread", waited: "waiting", minutes: "min",
        last: "Last", choose: "Choose a chat in the inbox to open it", take: "Take this chat", takeOver: "Take over this chat",
        taken: "Taken: the citizen was told a person has it", handBack: "Hand back to the bot",
        handedBack: "Handed back to the bot: the citizen was told, with the menu", answer: "Answer", photo: "Attach a photo (JPEG or PNG)",
        send: "Send the answer", sending: "Sending…", sent: "Answer sent", needSomething: "Write an answer or choose a photo first",
        records: "Open records with the agency", noRecords: "No open records", ended: "This chat has ended: no more messages",
        notFound: "No such chat", messages: "Messages", noMessages: "No messages yet", by: "Taken by",
        citizen: "Citizen", staff: "Staff", bot: "Bot", photoOf: "Photo from", openPhoto: "Open the full photo",
        retryKept: "Not sent. Press “Send the answer” again: it will not be sent twice", language: "Language",
        kinds: { sticker: "Sticker", location: "Location", video: "Video", audio: "Audio", file: "File", other: "Other message" } },
};

const when = (iso, lang) => (iso ? new Date(iso).toLocaleString(lang === "th" ? "th-TH" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" }) : "");

function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function reason(error) {
  const detail = error.body && (error.body.message || error.body.detail);
  return `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`.trim();
}

export async function render(root, ctx) {
  const { api, el, lang, params } = ctx;
  const s = S[lang];
  const chosen = params.get("chat");
  const statusName = (code) => s[code] || code;

  const inboxList = el("ul", { class: "plain chat-inbox", id: "chat-inbox" });
  const inboxProblem = el("p", { class: "error", role: "alert", id: "chat-inbox-error" });
  const inbox = el("section", { class: "chat-inbox-pane", "aria-labelledby": "chat-inbox-heading" },
    el("h3", { id: "chat-inbox-heading", text: s.inbox }), inboxProblem, inboxList);
  const pane = el("section", { class: "chat-pane", "aria-label": s.messages });
  root.append(el("h2", { text: s.heading }), el("div", { class: "chat-layout" }, inbox, pane));

  const drawInbox = (found) => {
    inboxList.replaceChildren(...(found.length ? found.map((c) => el("li", {
      class: `card chat-item${c.chat_id === chosen ? " chosen" : ""}`, "data-chat": c.chat_id, "data-status": c.status },
      el("a", { href: `#/chats?chat=${encodeURIComponent(c.chat_id)}`, "aria-current": c.chat_id === chosen ? "true" : null,
                text: c.citizen_name || s.anonymous }),
      el("div", { class: `chat-status status-${c.status}`, text: statusName(c.status) }),
      c.unread ? el("span", { class: "badge", text: `${c.unread} ${s.unread}` }) : null,
      c.waiting_minutes ? el("span", { class: "muted", text: ` ${s.waited} ${c.waiting_minutes} ${s.minutes}` }) : null,
      el("div", { class: "muted", text: `${s.last}: ${when(c.last_at, lang)}${c.staff ? ` · ${s.by} ${c.staff}` : ""}` })))
      : [el("li", { class: "muted", text: s.empty })]));
  };
  const readInbox = async () => {
    try { drawInbox(await api("GET", "/agency/chats")); inboxProblem.textContent = ""; } catch (error) {
      inboxProblem.textContent = reason(error);
    }
  };

  const conversation = chosen ? chatView(pane, ctx, s, chosen) : null;
  if (!chosen) pane.append(el("p", { class: "muted", text: s.choose }));
  await Promise.all([readInbox(), conversation ? conversation.read() : null]);

  // Polling while the page is shown: the shell gives each render a fresh root and drops the old one, so a
  // detached root means the page was left (or re-rendered): that poller stops.
  let busy = false;
  const timer = setInterval(async () => {
    if (!root.isConnected) { clearInterval(timer); return; }
    if (busy || document.hidden) return;
    busy = true;
    try { await Promise.all([readInbox(), conversation ? conversation.read() : null]); } finally { busy = false; }
  }, POLL_MS);
}

function chatView(pane, ctx, s, chatId) {
  const { api, el, lang } = ctx;
  const path = `/agency/chats/${encodeURIComponent(chatId)}`;
  const heading = el("h3", { id: "chat-heading" });
  const meta = el("p", { class: "muted", id: "chat-meta" });
  const log = el("ol", { class: "chat-messages", id: "chat-messages" });
  const records = el("ul", { class: "plain", id: "chat-records" });
  const problem = el("p", { class: "error", role: "alert", id: "chat-error" });
  const said = el("p", { role: "status", id: "chat-status" });
  const take = el("button", { type: "button", id: "chat-take", text: s.take });
  const handBack = el("button", { type: "button", id: "chat-hand-back", class: "secondary", text: s.handBack });
  const text = el("textarea", { id: "chat-answer", rows: 3, maxlength: 2000 });
  const photo = el("input", { id: "chat-photo", type: "file", accept: "image/jpeg,image/png" });
  const send = el("button", { type: "submit", id: "chat-send", text: s.send });
  const form = el("form", { class: "chat-answer", "aria-label": s.answer },
    el("div", { class: "field" }, el("label", { for: "chat-answer", text: s.answer }), text),
    el("div", { class: "field" }, el("label", { for: "chat-photo", text: s.photo }), photo),
    el("div", { class: "actions" }, send));
  const ended = el("p", { class: "notice", id: "chat-ended", hidden: true, text: s.ended });
  pane.append(el("p", {}, el("a", { href: "#/chats", class: "back-link", text: `← ${s.inbox}` })),
    heading, meta, problem, said,
    el("div", { class: "chat-detail" },
      el("div", { class: "chat-thread" }, el("div", { role: "log", "aria-labelledby": "chat-heading" }, log), ended, el("div", { class: "actions" }, take, handBack), form),
      el("aside", { class: "chat-records", "aria-labelledby": "chat-records-heading" },
        el("h4", { id: "chat-records-heading", text: s.records }), records)));

  let current = null;
  let drawnMessages = "";
  let linksAt = 0;
  let pending = null;   // the answer being sent: its request_id is kept until it is sent
  const sender = (m) => s[m.sender] || m.sender;
  const draw = (chat) => {
    current = chat;
    const live = chat.status === "waiting" || chat.status === "open";
    heading.textContent = `${chat.citizen_name || s.anonymous} · ${s[chat.status] || chat.status}`;
    meta.textContent = [`${s.language}: ${chat.language}`, chat.staff ? `${s.by} ${chat.staff}` : null,
                        `${s.last}: ${when(chat.last_at, lang)}`].filter(Boolean).join(" · ");
    take.hidden = !live;
    take.textContent = chat.status === "open" ? s.takeOver : s.take;
    handBack.hidden = !live;
    form.hidden = !live;
    ended.hidden = live;
    // Redrawn only when something changed (a poll must not move the reader's place in the log), or when the
    // photos' links (valid 15 minutes) are getting old.
    const key = JSON.stringify(chat.messages.map((m) => [m.sender, m.kind, m.text, m.at, Boolean(m.photo_url)]));
    const stale = Date.now() - linksAt > LINKS_FRESH_MS && chat.messages.some((m) => m.photo_url);
    if (key !== drawnMessages || stale) {
      drawnMessages = key;
      linksAt = Date.now();
      log.replaceChildren(...(chat.messages.length ? chat.messages.map((m) => el("li", {
        class: `chat-message from-${m.sender}`, "data-sender": m.sender, "data-kind": m.kind },
        el("div", { class: "chat-who", text: `${sender(m)} · ${when(m.at, lang)}` }),
        m.photo_url ? el("a", { href: m.photo_url, target: "_blank", rel: "noopener", "aria-label": `${s.openPhoto}: ${sender(m)} ${when(m.at, lang)}` },
          el("img", { src: m.photo_url, alt: `${s.photoOf}${lang === "th" ? "" : " "}${sender(m)} · ${when(m.at, lang)}`, class: "chat-photo" })) : null,
        m.text ? el("p", { class: "chat-text", text: m.text }) : null,
        !m.text && !m.photo_url && m.kind !== "text" ? el("p", { class: "muted", text: s.kinds[m.kind] || m.kind }) : null))
        : [el("li", { class: "muted", text: s.noMessages })]));
    }
    records.replaceChildren(...(chat.open_records.length ? chat.open_records.map((r) => el("li", { class: "card", "data-ref": r.ref },
      el("strong", { text: r.title }), el("div", { text: `${r.ref} · ${r.status}` }),
      r.at ? el("div", { class: "muted", text: r.at }) : null))
      : [el("li", { class: "muted", text: s.noRecords })]));
  };
  const read = async () => {
    try { draw(await api("GET", path)); } catch (error) {
      if (error.status === 404) {
        heading.textContent = s.notFound;
        for (const part of [take, handBack, form]) part.hidden = true;
      }
      problem.textContent = error.status === 404 ? s.notFound : reason(error);
    }
  };
  const act = async (button, work) => {
    problem.textContent = ""; said.textContent = "";
    button.disabled = true;
    try { said.textContent = await work(); } catch (error) {
      problem.textContent = error.status === 409 ? s.ended : reason(error);
      if (error.status === 409) await read();
    } finally { button.disabled = false; }
  };
  take.addEventListener("click", () => act(take, async () => {
    await api("POST", `${path}/take`);
    await read();
    return s.taken;
  }));
  handBack.addEventListener("click", () => act(handBack, async () => {
    await api("POST", `${path}/close`);
    await read();
    return s.handedBack;
  }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (send.disabled) return;
    const words = text.value.trim();
    const file = photo.files[0] || null;
    if (!words && !file) { problem.textContent = s.needSomething; said.textContent = ""; return; }
    // The same answer retried keeps its request_id (the API sends it once); a changed answer is a new one.
    if (!pending || pending.words !== words || pending.file !== file) pending = { id: requestId(), words, file };
    send.textContent = s.sending;
    act(send, async () => {
      try {
        const body = { request_id: pending.id };
        if (words) body.text = words;
        if (file) body.photo_base64 = await base64Of(file);
        await api("POST", `${path}/messages`, body);
      } catch (error) {
        if (!error.status || error.status >= 500) error.body = { message: `${reason(error)} — ${s.retryKept}` };
        throw error;
      } finally { send.textContent = s.send; }
      pending = null;
      text.value = ""; photo.value = "";
      await read();
      text.focus();
      return s.sent;
    });
  });
  return { read, current: () => current };
}
