// Notices to areas and topics: compose (text, topic, districts or subdistricts, age groups), see the preview —
// recipients, multicast requests, messages and cost — before anything is sent, send now or at a time (Bangkok,
// +07:00), then follow the delivery (sent, skipped without consent or blocked, failed and why); the latest
// notices. Routes: docs/bills.md ("Notices"). Officers read; supervisors compose and send.
const S = {
  th: { heading: "ประกาศถึงประชาชน", compose: "เขียนประกาศ", textTh: "ข้อความภาษาไทย", textEn: "ข้อความภาษาอังกฤษ (ไม่บังคับ)",
        textHint: "LINE ส่งประกาศเป็นข้อความเดียว: ภาษาอังกฤษ (ถ้ามี) ต่อท้ายภาษาไทย รวมไม่เกิน 2,000 ตัวอักษร",
        chars: (n) => `${n.toLocaleString()} / 2,000 ตัวอักษร`, topic: "หัวข้อ", areas: "พื้นที่",
        areasHint: "เลือกทั้งอำเภอ หรือเฉพาะตำบล", whole: (d) => `ทั้งอำเภอ${d}`, ages: "กลุ่มอายุ (ไม่เลือก = ทุกวัย)",
        preview: "ดูตัวอย่างและนับผู้รับ", counting: "กำลังนับผู้รับ…", needText: "กรุณาพิมพ์ข้อความภาษาไทย",
        tooLong: "ข้อความยาวเกิน 2,000 ตัวอักษร", needArea: "กรุณาเลือกพื้นที่อย่างน้อยหนึ่งแห่ง", tooMany: "เลือกได้ไม่เกิน 50 พื้นที่",
        noAreas: "หน่วยงานยังไม่ได้ตั้งพื้นที่ (ผู้ดูแลระบบตั้งใน PUT /agency/bill/settings)",
        supervisorOnly: "หัวหน้างานขึ้นไปเท่านั้นที่เขียนและส่งประกาศได้", latest: "ประกาศล่าสุด", status: "สถานะ",
        recipients: "ผู้รับ", requests: "คำขอ multicast", messages: "ข้อความ (ตามที่ LINE คิด)", cost: "ค่าใช้จ่าย",
        free: "ไม่มีค่าใช้จ่าย (ไม่ได้ตั้งราคาต่อข้อความ)", optedOut: "ข้าม: ไม่รับหัวข้อนี้หรือเลือกไม่รับ",
        noConsent: "ข้าม: ไม่ได้ให้ความยินยอม", blocked: "ข้าม: บล็อกบัญชี", queued: "เข้าคิวส่ง", sent: "ส่งถึงแล้ว",
        failed: "ส่งไม่สำเร็จ", why: "สาเหตุ", text: "ข้อความ", open: "ดู", back: "กลับไปหน้าประกาศ", notice: "ประกาศ",
        seen: "ข้อความที่ประชาชนจะเห็น", sendNow: "ส่งตอนนี้", schedule: "ตั้งเวลาส่ง", date: "วันที่",
        time: "เวลา (เวลาประเทศไทย UTC+07:00)", scheduleIt: "ตั้งเวลา", future: "กรุณาเลือกวันเวลาในอนาคต",
        at: "กำหนดส่ง", notFound: "ไม่พบประกาศนี้ในหน่วยงานของคุณ", refresh: "อ่านใหม่", delivery: "ผลการส่ง",
        previewH: "ตัวอย่างก่อนส่ง", nothingSent: "ยังไม่มีการส่งใด ๆ จนกว่าจะกดส่ง", allAges: "ทุกวัย" },
  en: { heading: "Notices to citizens", compose: "Write a notice", textTh: "Thai text", textEn: "English text (optional)",
        textHint: "LINE sends a notice as one message: the English (if any) follows the Thai, 2,000 characters in all",
        chars: (n) => `${n.toLocaleString()} / 2,000 characters`, topic: "Topic", areas: "Areas",
        areasHint: "Choose a whole district or some of its subdistricts", whole: (d) => `All of ${d}`, ages: "Age groups (none = every age)",
        preview: "Preview and count the recipients", counting: "Counting the recipients…", needText: "Type the Thai text",
        tooLong: "The text is over 2,000 characters", needArea: "Choose at least one area", tooMany: "At most 50 areas",
        noAreas: "The agency has no areas yet (an admin sets them: PUT /agency/bill/settings)",
        supervisorOnly: "Only supervisors and admins write and send notices", latest: "Latest notices", status: "Status",
        recipients: "Recipients", requests: "Multicast requests", messages: "Messages (as LINE counts them)", cost: "Cost",
        free: "No cost (no price per message set)", optedOut: "Skipped: other topics or opted out",
        noConsent: "Skipped: no consent", blocked: "Skipped: blocked the account", queued: "Queued", sent: "Delivered",
        failed: "Failed", why: "Why", text: "Text", open: "Open", back: "Back to notices", notice: "Notice",
        seen: "What citizens will see", sendNow: "Send now", schedule: "Send at a time", date: "Date",
        time: "Time (Thailand, UTC+07:00)", scheduleIt: "Schedule", future: "Choose a date and time in the future",
        at: "Sends at", notFound: "No such notice in your agency", refresh: "Read again", delivery: "Delivery",
        previewH: "Preview before sending", nothingSent: "Nothing is sent until you press send", allAges: "every age" },
};
const TOPICS = {
  th: { water_cut: "น้ำประปาไม่ไหล", outage: "ไฟฟ้าดับ", health: "สุขภาพ", events: "กิจกรรม" },
  en: { water_cut: "Water cuts", outage: "Power outages", health: "Health", events: "Events" },
};
const AGES = {
  th: { under_25: "ต่ำกว่า 25 ปี", "25_59": "25–59 ปี", "60_plus": "60 ปีขึ้นไป" },
  en: { under_25: "Under 25", "25_59": "25–59", "60_plus": "60 and over" },
};
const STATUS = {
  th: { counting: "กำลังนับผู้รับ", ready: "พร้อมส่ง", scheduled: "ตั้งเวลาไว้", held_quota: "พักไว้: โควตา LINE",
        sending: "กำลังส่ง", sent: "ส่งแล้ว", failed: "ล้มเหลว" },
  en: { counting: "Counting", ready: "Ready to send", scheduled: "Scheduled", held_quota: "Held: LINE quota",
        sending: "Sending", sent: "Sent", failed: "Failed" },
};
const TEXT_MAX = 2000;

// A heading in the page's language; in Thai, its English beside it (staff who read English find their way).
const heading = (el, lang, tag, key, attrs = {}) => el(tag, attrs, S[lang][key],
  lang === "th" ? " " : null, lang === "th" ? el("span", { class: "en-beside", lang: "en", text: S.en[key] }) : null);
const number = (n, lang) => new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB").format(n ?? 0);
const bangkok = (iso, lang) => new Date(iso).toLocaleString(lang === "th" ? "th-TH" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" });
const reason = (error) => {
  const detail = error.body && (error.body.message || error.body.detail);
  return `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`.trim();
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const areaName = (a, lang) => (a.subdistrict ? `${a.district} / ${a.subdistrict}` : S[lang].whole(a.district));
export const joined = (th, en) => (en ? `${th}\n\n${en}` : th);

export async function render(root, ctx) {
  if (ctx.params.get("notice")) return renderNotice(root, ctx, ctx.params.get("notice"));
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const canSend = role === "supervisor" || role === "admin";
  root.append(heading(el, lang, "h2", "heading"));
  const [settings, notices] = await Promise.all([
    api("GET", "/agency/bill/settings").then((v) => ({ v }), (error) => ({ error })),
    api("GET", "/agency/bill/notices").then((v) => ({ v }), (error) => ({ error })),
  ]);

  // ---- compose
  const areas = settings.v ? settings.v.areas || {} : {};
  const textTh = el("textarea", { id: "nt-text-th", rows: 4, lang: "th", required: true, maxlength: TEXT_MAX,
                                  "aria-describedby": "nt-text-hint nt-count", disabled: !canSend });
  const textEn = el("textarea", { id: "nt-text-en", rows: 3, lang: "en", maxlength: TEXT_MAX,
                                  "aria-describedby": "nt-text-hint nt-count", disabled: !canSend });
  const count = el("p", { class: "muted", id: "nt-count", text: s.chars(0) });
  const recount = () => { count.textContent = s.chars(joined(textTh.value.trim(), textEn.value.trim()).length); };
  textTh.addEventListener("input", recount);
  textEn.addEventListener("input", recount);
  const topic = el("select", { id: "nt-topic", disabled: !canSend },
    Object.entries(TOPICS[lang]).map(([code, name]) => el("option", { value: code, text: name })));
  let n = 0;
  const districts = Object.entries(areas).map(([district, subs]) => {
    const wholeId = `nt-d${n++}`;
    const whole = el("input", { type: "checkbox", id: wholeId, "data-district": district, disabled: !canSend });
    const parts = subs.map((sub) => {
      const id = `nt-d${n++}`;
      return el("li", {}, el("input", { type: "checkbox", id, "data-district": district, "data-subdistrict": sub, disabled: !canSend }),
        el("label", { for: id, class: "inline", text: sub }));
    });
    // the whole district covers its subdistricts: they are greyed out while it is chosen
    whole.addEventListener("change", () => {
      for (const box of parts.map((li) => li.querySelector("input"))) { box.disabled = whole.checked || !canSend; if (whole.checked) box.checked = false; }
    });
    return el("fieldset", { class: "nt-district" }, el("legend", { text: district }),
      el("div", {}, whole, el("label", { for: wholeId, class: "inline", text: s.whole(district) })),
      el("ul", { class: "plain nt-subdistricts" }, parts));
  });
  const ages = Object.entries(AGES[lang]).map(([code, name]) => el("li", {},
    el("input", { type: "checkbox", id: `nt-age-${code}`, value: code, disabled: !canSend }),
    el("label", { for: `nt-age-${code}`, class: "inline", text: name })));
  const problem = el("p", { class: "error", role: "alert", id: "nt-error" });
  const form = el("form", { id: "nt-form", novalidate: true },
    el("div", { class: "field" }, el("label", { for: "nt-text-th", text: s.textTh }), textTh),
    el("div", { class: "field" }, el("label", { for: "nt-text-en", text: s.textEn }), textEn,
      el("p", { class: "muted", id: "nt-text-hint", text: s.textHint }), count),
    el("div", { class: "field" }, el("label", { for: "nt-topic", text: s.topic }), topic),
    el("fieldset", { class: "nt-areas", "aria-describedby": "nt-areas-hint" }, el("legend", { text: s.areas }),
      el("p", { class: "muted", id: "nt-areas-hint", text: s.areasHint }),
      districts.length ? el("div", { class: "nt-district-list" }, districts) : el("p", { class: "notice", text: settings.error ? reason(settings.error) : s.noAreas })),
    el("fieldset", { class: "nt-ages" }, el("legend", { text: s.ages }), el("ul", { class: "plain nt-age-list" }, ages)),
    el("button", { type: "submit", id: "nt-preview", disabled: !canSend, text: s.preview }), problem);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    const text = joined(textTh.value.trim(), textEn.value.trim());
    if (!textTh.value.trim()) { problem.textContent = s.needText; textTh.focus(); return; }
    if (text.length > TEXT_MAX) { problem.textContent = s.tooLong; return; }
    const chosen = [];
    for (const box of form.querySelectorAll(".nt-district input[type=checkbox]:checked")) {
      chosen.push(box.dataset.subdistrict ? { district: box.dataset.district, subdistrict: box.dataset.subdistrict } : { district: box.dataset.district });
    }
    if (!chosen.length) { problem.textContent = s.needArea; return; }
    if (chosen.length > 50) { problem.textContent = s.tooMany; return; }
    const button = form.querySelector("#nt-preview");
    button.disabled = true;
    button.textContent = s.counting;
    try {
      const notice = await api("POST", "/agency/bill/notices", { text, topic: topic.value, areas: chosen,
        age_groups: [...form.querySelectorAll(".nt-ages input:checked")].map((b) => b.value) });
      ctx.navigate("notices", { notice: notice.notice_id });
    } catch (error) {
      problem.textContent = reason(error);
      button.disabled = false;
      button.textContent = s.preview;
    }
  });
  root.append(el("section", { class: "bills-panel", "aria-labelledby": "nt-compose-h" },
    heading(el, lang, "h3", "compose", { id: "nt-compose-h" }), canSend ? null : el("p", { class: "notice", text: s.supervisorOnly }), form));

  // ---- the latest
  const list = notices.error ? el("p", { class: "error", role: "alert", text: reason(notices.error) })
    : notices.v.length ? el("div", { class: "table-wrap" }, el("table", { id: "nt-list" },
      el("caption", { class: "visually-hidden", text: s.latest }),
      el("thead", {}, el("tr", {}, [s.text, s.topic, s.areas, s.status, s.recipients, s.sent].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, notices.v.map((x) => el("tr", { "data-notice": x.notice_id },
        el("th", { scope: "row" }, el("a", { href: `#/notices?notice=${encodeURIComponent(x.notice_id)}`,
          text: x.text.length > 60 ? `${x.text.slice(0, 60)}…` : x.text })),
        el("td", { text: TOPICS[lang][x.topic] || x.topic }), el("td", { text: x.areas.map((a) => areaName(a, lang)).join(", ") }),
        el("td", { text: `${STATUS[lang][x.status] || x.status}${x.send_at && x.status === "scheduled" ? ` · ${bangkok(x.send_at, lang)}` : ""}` }),
        el("td", { class: "num", text: number(x.preview.recipients, lang) }),
        el("td", { class: "num", text: number(x.preview.sent, lang) })))))) : el("p", { text: ctx.t("none") });
  root.append(el("section", { class: "bills-panel", "aria-labelledby": "nt-latest-h" }, heading(el, lang, "h3", "latest", { id: "nt-latest-h" }), list));
}

async function renderNotice(root, ctx, noticeId) {
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const canSend = role === "supervisor" || role === "admin";
  const status = el("p", { id: "nt-status", class: "batch-status", role: "status", "aria-live": "polite", tabindex: "-1" });
  const message = el("p", { id: "nt-message", class: "notice", hidden: true });
  const seen = el("div", { class: "nt-bubble", id: "nt-seen", lang: "th" });
  const about = el("p", { id: "nt-about", class: "muted" });
  const previewFigures = el("dl", { class: "batch-figures", id: "nt-figures" });
  const deliveryFigures = el("dl", { class: "batch-figures", id: "nt-delivery" });
  const why = el("ul", { class: "error", id: "nt-why" });
  const problem = el("p", { class: "error", role: "alert", id: "nt-error" });
  const sendNow = el("button", { type: "button", id: "nt-send", hidden: true, text: s.sendNow });
  const date = el("input", { type: "date", id: "nt-date" });
  const time = el("input", { type: "time", id: "nt-time" });
  const scheduleForm = el("form", { class: "filters", id: "nt-schedule", hidden: true, "aria-labelledby": "nt-schedule-h" },
    el("h4", { id: "nt-schedule-h", class: "nt-schedule-h", text: s.schedule }),
    el("div", { class: "field" }, el("label", { for: "nt-date", text: s.date }), date),
    el("div", { class: "field" }, el("label", { for: "nt-time", text: s.time }), time),
    el("button", { type: "submit", class: "secondary", id: "nt-schedule-send", text: s.scheduleIt }));
  const refresh = el("button", { type: "button", class: "secondary", id: "nt-refresh", text: s.refresh });
  const deliverySection = el("section", { class: "bills-panel", "aria-labelledby": "nt-delivery-h", hidden: true },
    heading(el, lang, "h3", "delivery", { id: "nt-delivery-h" }), deliveryFigures, why);
  root.append(el("p", {}, el("a", { href: "#/notices", text: s.back })), el("h2", { id: "nt-notice-h", "data-notice": noticeId, text: `${s.notice} ${noticeId}` }), problem,
    status, message,
    el("section", { class: "bills-panel", "aria-labelledby": "nt-preview-h" }, heading(el, lang, "h3", "previewH", { id: "nt-preview-h" }),
      el("p", { class: "muted", text: s.seen }), seen, about, previewFigures,
      el("div", { class: "actions" }, sendNow, refresh), scheduleForm),
    deliverySection);

  let last = null;
  const figure = (key, text) => el("div", { class: "batch-figure", "data-figure": key }, el("dt", { text: s[key] }), el("dd", { text }));
  const show = (x) => {
    last = x;
    const statusText = `${STATUS[lang][x.status] || x.status}${x.send_at && x.status === "scheduled" ? ` · ${s.at} ${bangkok(x.send_at, lang)}` : ""}`;
    if (status.textContent !== statusText) status.textContent = statusText;
    status.dataset.status = x.status;
    message.hidden = !x.message;
    message.textContent = x.message || "";
    seen.textContent = x.text;
    about.textContent = `${TOPICS[lang][x.topic] || x.topic} · ${x.areas.map((a) => areaName(a, lang)).join(", ")} · ${
      x.age_groups.length ? x.age_groups.map((g) => AGES[lang][g] || g).join(", ") : s.allAges}`;
    const p = x.preview;
    const counted = x.status !== "counting";
    previewFigures.replaceChildren(
      figure("recipients", counted ? number(p.recipients, lang) : "…"), figure("requests", counted ? number(p.multicast_requests, lang) : "…"),
      figure("messages", counted ? number(p.messages, lang) : "…"), figure("cost", p.cost_baht ? `฿${p.cost_baht}` : s.free),
      figure("optedOut", number(p.skipped.opted_out_or_other_topic, lang)), figure("noConsent", number(p.skipped.no_consent, lang)),
      figure("blocked", number(p.skipped.blocked, lang)));
    const started = ["sending", "sent", "failed"].includes(x.status);
    deliverySection.hidden = !started;
    deliveryFigures.replaceChildren(figure("queued", number(p.queued, lang)), figure("sent", number(p.sent, lang)),
      figure("failed", number(p.failed, lang)));
    why.replaceChildren(...(p.failed_why || []).map((w) => el("li", { text: `${s.why}: ${w}` })));
    const sendable = canSend && ["ready", "held_quota", "scheduled"].includes(x.status);
    sendNow.hidden = !sendable;
    scheduleForm.hidden = !sendable;
  };
  const read = async () => {
    try { show(await api("GET", `/agency/bill/notices/${encodeURIComponent(noticeId)}`)); problem.textContent = ""; return true; } catch (error) {
      problem.textContent = error.status === 404 ? s.notFound : reason(error);
      return error.status !== 404 && last !== null;
    }
  };
  const send = async (body) => {
    problem.textContent = "";
    try {
      show(await api("POST", `/agency/bill/notices/${encodeURIComponent(noticeId)}/send`, body));
      status.focus();  // the send buttons are hidden now
      watch();
    } catch (error) { problem.textContent = reason(error); }
  };
  sendNow.addEventListener("click", () => send({}));
  scheduleForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!date.value || !time.value) { problem.textContent = s.future; return; }
    const at = `${date.value}T${time.value}:00+07:00`;  // Asia/Bangkok has no daylight saving: always +07:00
    if (!(Date.parse(at) > Date.now() + 60_000)) { problem.textContent = s.future; return; }
    send({ at });
  });
  refresh.addEventListener("click", read);

  // Poll while counting or sending, and until LINE's answers are tallied (they trail "sent" a little).
  let watching = false;
  const watch = async () => {
    if (watching) return;
    watching = true;
    let delay = 700, after = 0;
    while (root.isConnected) {
      if (!(await read())) break;
      if (["ready", "held_quota", "scheduled", "failed"].includes(last.status)) break;
      if (last.status === "sent" && (last.preview.sent + last.preview.failed >= last.preview.queued || ++after > 30)) break;
      await pause(delay);
      delay = Math.min(delay * 1.5, 5000);
    }
    watching = false;
  };
  await read();
  watch();
}
