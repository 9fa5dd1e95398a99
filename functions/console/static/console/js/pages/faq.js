// FAQ: the entries the bot answers from around the clock (Thai and English ways of asking, the answer in both),
// and the questions nothing answered. Officers read; supervisors and admins add, edit and delete, and turn an
// unanswered question into an entry ("add an answer" fills the form; saving dismisses the question).
const S = {
  th: { heading: "คำถามที่พบบ่อย (FAQ)", intro: "บอทใช้คำถามและคำตอบเหล่านี้ตอบประชาชนตลอด 24 ชั่วโมง",
        entries: "คำถามและคำตอบ", none: "ยังไม่มีคำถามและคำตอบ", questionsTh: "วิธีถามภาษาไทย (บรรทัดละหนึ่งแบบ)",
        questionsEn: "วิธีถามภาษาอังกฤษ (บรรทัดละหนึ่งแบบ ไม่บังคับ)", answerTh: "คำตอบภาษาไทย", answerEn: "คำตอบภาษาอังกฤษ",
        entryId: "รหัสรายการ (a-z, 0-9, -)", add: "เพิ่มคำถามและคำตอบ", edit: "แก้ไข", remove: "ลบ", confirm: "ยืนยันการลบ",
        save: "บันทึก", cancel: "ยกเลิก", saved: "บันทึกแล้ว บอทใช้คำตอบนี้ทันที", removed: "ลบแล้ว",
        editing: "แก้ไขรายการ", adding: "รายการใหม่", helped: "ช่วยได้", notHelped: "ไม่ช่วย",
        unanswered: "คำถามที่บอทยังตอบไม่ได้", noUnanswered: "ไม่มีคำถามที่ค้างอยู่", asked: "ถาม", times: "ครั้ง",
        lastAsked: "ล่าสุด", answerIt: "เพิ่มคำตอบ", dismiss: "ไม่ใช่เรื่องของเรา", dismissed: "นำออกจากรายการแล้ว",
        answeredAndDismissed: "บันทึกแล้ว และนำคำถามออกจากรายการที่ค้าง", readOnly: "หัวหน้างานหรือผู้ดูแลระบบเท่านั้นที่แก้ไขได้",
        badId: "รหัสรายการใช้ได้เฉพาะ a-z 0-9 และ - (ขึ้นต้นด้วยตัวอักษรหรือตัวเลข)", needQuestion: "ใส่วิธีถามภาษาไทยอย่างน้อยหนึ่งแบบ",
        needAnswers: "ใส่คำตอบทั้งภาษาไทยและภาษาอังกฤษ", fromQuestion: "จากคำถาม", lang_th: "ไทย", lang_en: "อังกฤษ" },
  en: { heading: "Frequently asked questions (FAQ)", intro: "The bot answers citizens from these questions and answers, around the clock",
        entries: "Questions and answers", none: "No questions and answers yet", questionsTh: "Ways of asking in Thai (one a line)",
        questionsEn: "Ways of asking in English (one a line, optional)", answerTh: "Answer in Thai", answerEn: "Answer in English",
        entryId: "Entry id (a-z, 0-9, -)", add: "Add a question and answer", edit: "Edit", remove: "Delete", confirm: "Confirm delete",
        save: "Save", cancel: "Cancel", saved: "Saved: the bot uses it at once", removed: "Deleted",
        editing: "Edit the entry", adding: "New entry", helped: "helped", notHelped: "did not help",
        unanswered: "Questions the bot could not answer", noUnanswered: "No questions waiting", asked: "asked", times: "times",
        lastAsked: "last", answerIt: "Add an answer", dismiss: "Not ours", dismissed: "Removed from the list",
        answeredAndDismissed: "Saved, and the question removed from the waiting list", readOnly: "Only supervisors and admins can edit",
        badId: "The entry id may have only a-z, 0-9 and - (starting with a letter or digit)", needQuestion: "Give at least one way of asking in Thai",
        needAnswers: "Give the answer in both Thai and English", fromQuestion: "From the question", lang_th: "Thai", lang_en: "English" },
};
const ENTRY_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const lines = (value) => value.split("\n").map((x) => x.trim()).filter(Boolean);
const when = (iso, lang) => (iso ? new Date(iso).toLocaleString(lang === "th" ? "th-TH" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" }) : "");

function reason(error) {
  const detail = error.body && (error.body.message || error.body.detail);
  return `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`.trim();
}

export async function render(root, ctx) {
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const editor = role === "supervisor" || role === "admin";
  const said = el("p", { role: "status", id: "faq-status" });
  const problem = el("p", { class: "error", role: "alert", id: "faq-error" });
  const list = el("ul", { class: "plain faq-entries", id: "faq-entries" });
  const misses = el("ul", { class: "plain faq-unanswered", id: "faq-unanswered" });

  // The form (supervisors and admins only): a new entry, an entry being edited, or an unanswered question's answer.
  const field = (id, label, input) => el("div", { class: "field" }, el("label", { for: id, text: label }), input);
  const entryId = el("input", { id: "faq-id", type: "text", required: true, maxlength: 40, autocomplete: "off", spellcheck: "false" });
  const questionsTh = el("textarea", { id: "faq-questions-th", rows: 3, required: true });
  const questionsEn = el("textarea", { id: "faq-questions-en", rows: 2 });
  const answerTh = el("textarea", { id: "faq-answer-th", rows: 3, required: true, maxlength: 2000 });
  const answerEn = el("textarea", { id: "faq-answer-en", rows: 3, required: true, maxlength: 2000 });
  const formHeading = el("h3", { id: "faq-form-heading", text: s.adding });
  const fromQuestion = el("p", { class: "muted", id: "faq-from", hidden: true });
  const cancel = el("button", { type: "button", class: "secondary", id: "faq-cancel", text: s.cancel });
  const save = el("button", { type: "submit", id: "faq-save", text: s.save });
  const form = el("form", { class: "faq-form card", id: "faq-form", "aria-labelledby": "faq-form-heading", novalidate: true },
    formHeading, fromQuestion, field("faq-id", s.entryId, entryId), field("faq-questions-th", s.questionsTh, questionsTh),
    field("faq-questions-en", s.questionsEn, questionsEn), field("faq-answer-th", s.answerTh, answerTh),
    field("faq-answer-en", s.answerEn, answerEn), el("div", { class: "actions" }, save, cancel));
  let dismissing = null;   // the unanswered question's digest this form answers
  let editing = false;
  const fill = (entry = {}, digest = null, example = "") => {
    editing = Boolean(entry.entry_id);
    dismissing = digest;
    entryId.value = entry.entry_id || (digest ? `q-${digest.slice(0, 8)}` : "");
    entryId.readOnly = editing;
    questionsTh.value = (entry.questions_th || []).join("\n");
    questionsEn.value = (entry.questions_en || []).join("\n");
    answerTh.value = entry.answer_th || "";
    answerEn.value = entry.answer_en || "";
    formHeading.textContent = editing ? `${s.editing}: ${entry.entry_id}` : s.adding;
    fromQuestion.hidden = !digest;
    fromQuestion.textContent = digest ? `${s.fromQuestion}: “${example}”` : "";
  };
  cancel.addEventListener("click", () => { fill(); problem.textContent = ""; });

  const drawEntries = (entries) => list.replaceChildren(...(entries.length ? entries.map((e) => el("li", {
    class: "card faq-entry", "data-entry": e.entry_id },
    el("h4", { text: e.questions_th[0] || e.entry_id }),
    el("p", { class: "muted", text: `${e.entry_id} · ${s.helped} ${e.helped} · ${s.notHelped} ${e.not_helped}` }),
    el("div", { class: "faq-langs" },
      el("div", { lang: "th" }, el("ul", { class: "faq-questions" }, e.questions_th.map((q) => el("li", { text: q }))),
        el("p", { class: "faq-answer", text: e.answer_th })),
      el("div", { lang: "en" }, e.questions_en.length ? el("ul", { class: "faq-questions" }, e.questions_en.map((q) => el("li", { text: q }))) : null,
        el("p", { class: "faq-answer", text: e.answer_en }))),
    editor ? el("div", { class: "actions" },
      el("button", { type: "button", class: "secondary", "data-action": "edit", "aria-label": `${s.edit}: ${e.entry_id}`, text: s.edit,
        onclick: () => { fill(e); questionsTh.focus(); } }),
      deleteButton(e)) : null))
    : [el("li", { class: "muted", text: s.none })]));
  const deleteButton = (e) => {
    const button = el("button", { type: "button", class: "danger", "data-action": "delete", "aria-label": `${s.remove}: ${e.entry_id}`, text: s.remove });
    button.addEventListener("click", () => {
      if (button.dataset.armed !== "yes") {   // two steps: a slip does not delete
        button.dataset.armed = "yes";
        button.textContent = s.confirm;
        button.setAttribute("aria-label", `${s.confirm}: ${e.entry_id}`);
        return;
      }
      act(async () => { await api("DELETE", `/agency/faq/${encodeURIComponent(e.entry_id)}`); await reload(); return s.removed; });
    });
    return button;
  };
  const drawMisses = (found) => misses.replaceChildren(...(found.length ? found.map((m) => el("li", {
    class: "card faq-miss", "data-digest": m.digest },
    el("p", { class: "faq-example", lang: m.language === "en" ? "en" : "th", text: m.example }),
    el("p", { class: "muted", text: `${s[`lang_${m.language}`] || m.language} · ${s.asked} ${m.times_asked} ${s.times} · ${s.lastAsked} ${when(m.last_asked, lang)}` }),
    editor ? el("div", { class: "actions" },
      el("button", { type: "button", "data-action": "answer", "aria-label": `${s.answerIt}: ${m.example}`, text: s.answerIt, onclick: () => {
        fill(m.language === "en" ? { questions_en: [m.example] } : { questions_th: [m.example] }, m.digest, m.example);
        (m.language === "en" ? questionsTh : answerTh).focus();
      } }),
      el("button", { type: "button", class: "secondary", "data-action": "dismiss", "aria-label": `${s.dismiss}: ${m.example}`, text: s.dismiss,
        onclick: () => act(async () => {
          await api("DELETE", `/agency/faq/unanswered/${m.digest}`); await reload(); return s.dismissed;
        }) })) : null))
    : [el("li", { class: "muted", text: s.noUnanswered })]));

  async function reload() {
    const [entries, found] = await Promise.all([api("GET", "/agency/faq"), api("GET", "/agency/faq/unanswered")]);
    drawEntries(entries);
    drawMisses(found);
  }
  async function act(work) {
    problem.textContent = ""; said.textContent = "";
    try { said.textContent = await work(); } catch (error) { problem.textContent = reason(error); }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = entryId.value.trim();
    const body = { questions_th: lines(questionsTh.value), questions_en: lines(questionsEn.value),
                   answer_th: answerTh.value.trim(), answer_en: answerEn.value.trim() };
    problem.textContent = ""; said.textContent = "";
    if (!ENTRY_ID.test(id)) { problem.textContent = s.badId; entryId.focus(); return; }
    if (!body.questions_th.length) { problem.textContent = s.needQuestion; questionsTh.focus(); return; }
    if (!body.answer_th || !body.answer_en) { problem.textContent = s.needAnswers; (body.answer_th ? answerEn : answerTh).focus(); return; }
    save.disabled = true;
    act(async () => {
      try {
        await api("PUT", `/agency/faq/${encodeURIComponent(id)}`, body);
        const digest = dismissing;
        if (digest) await api("DELETE", `/agency/faq/unanswered/${digest}`);
        fill();
        await reload();
        return digest ? s.answeredAndDismissed : s.saved;
      } finally { save.disabled = false; }
    });
  });

  root.append(el("div", {}, el("h2", { text: s.heading }), el("p", { text: s.intro }),
    editor ? null : el("p", { class: "notice", id: "faq-read-only", text: s.readOnly }), problem, said),
    el("div", { class: "faq-layout" },
      el("section", { "aria-labelledby": "faq-entries-heading" }, el("h3", { id: "faq-entries-heading", text: s.entries }), list),
      el("div", {}, editor ? form : null,
        el("section", { "aria-labelledby": "faq-unanswered-heading" },
          el("h3", { id: "faq-unanswered-heading", text: s.unanswered }), misses))));
  await reload();
}
