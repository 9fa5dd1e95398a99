// The agency's profile (admins): its names in Thai and English, office hours per weekday (Asia/Bangkok), how
// soon staff answer a chat in office hours, and after how long an idle chat goes back to the bot. Citizens
// asking for a person are told these at once (docs/handover.md).
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MAX_RANGES = 6;
const S = {
  th: { heading: "ข้อมูลหน่วยงาน", intro: "ชื่อ เวลาทำการ และเวลาตอบแชท ที่ประชาชนเห็นเมื่อขอคุยกับเจ้าหน้าที่",
        nameTh: "ชื่อหน่วยงาน (ภาษาไทย)", nameEn: "ชื่อหน่วยงาน (ภาษาอังกฤษ)", hours: "เวลาทำการ (เวลาประเทศไทย)",
        opens: "เปิด", closes: "ปิด", closed: "ปิดทำการ", addRange: "เพิ่มช่วงเวลา", removeRange: "ลบช่วงเวลา",
        answerMinutes: "ตอบแชทภายใน (นาที ในเวลาทำการ)", idleMinutes: "ส่งแชทกลับให้บอทเมื่อเงียบนาน (นาที)",
        save: "บันทึก", saved: "บันทึกแล้ว ประชาชนเห็นเวลาใหม่ทันที", badRange: "เวลาเปิดต้องก่อนเวลาปิด",
        badTime: "กรอกเวลาให้ครบ (ชั่วโมง:นาที)", badNumber: "ตัวเลขไม่อยู่ในช่วงที่รับได้", needName: "กรอกชื่อทั้งสองภาษา",
        range: "ช่วงที่", agency: "รหัสหน่วยงาน",
        days: { mon: "จันทร์", tue: "อังคาร", wed: "พุธ", thu: "พฤหัสบดี", fri: "ศุกร์", sat: "เสาร์", sun: "อาทิตย์" } },
  en: { heading: "Agency profile", intro: "The names, office hours and chat answer times citizens see when they ask for a person",
        nameTh: "Agency name (Thai)", nameEn: "Agency name (English)", hours: "Office hours (Thailand time)",
        opens: "Opens", closes: "Closes", closed: "Closed", addRange: "Add a range", removeRange: "Remove the range",
        answerMinutes: "Answer a chat within (minutes, in office hours)", idleMinutes: "Hand an idle chat back to the bot after (minutes)",
        save: "Save", saved: "Saved: citizens see the new hours at once", badRange: "Opening must be before closing",
        badTime: "Fill in both times (hours:minutes)", badNumber: "A number is outside what is allowed", needName: "Give the name in both languages",
        range: "range", agency: "Agency id",
        days: { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" } },
};

function reason(error) {
  const detail = error.body && (error.body.message || error.body.detail);
  return `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`.trim();
}

export async function render(root, ctx) {
  const { api, el, lang } = ctx;
  const s = S[lang];
  let profile = await api("GET", "/agency/profile");
  const said = el("p", { role: "status", id: "profile-status" });
  const problem = el("p", { class: "error", role: "alert", id: "profile-error" });
  const field = (id, label, input) => el("div", { class: "field" }, el("label", { for: id, text: label }), input);
  const nameTh = el("input", { id: "profile-name-th", type: "text", required: true, maxlength: 80, lang: "th" });
  const nameEn = el("input", { id: "profile-name-en", type: "text", required: true, maxlength: 80, lang: "en" });
  const answer = el("input", { id: "profile-answer-minutes", type: "number", min: 1, max: 1440, required: true, inputmode: "numeric" });
  const idle = el("input", { id: "profile-idle-minutes", type: "number", min: 5, max: 1440, required: true, inputmode: "numeric" });
  const week = el("div", { class: "profile-week", id: "profile-week" });
  let hours = {};

  const drawDay = (day, box) => {
    const ranges = hours[day];
    box.replaceChildren(...[
      el("legend", { text: s.days[day] }),
      ranges.length ? null : el("p", { class: "muted", "data-closed": "yes", text: s.closed }),
      ...ranges.map((r, i) => el("div", { class: "profile-range", "data-range": i },
        el("label", { for: `hours-${day}-${i}-opens`, class: "inline", text: `${s.opens}` }),
        el("input", { id: `hours-${day}-${i}-opens`, type: "time", value: r.opens, required: true,
                      oninput: (event) => { r.opens = event.target.value; } }),
        el("label", { for: `hours-${day}-${i}-closes`, class: "inline", text: `${s.closes}` }),
        el("input", { id: `hours-${day}-${i}-closes`, type: "time", value: r.closes, required: true,
                      oninput: (event) => { r.closes = event.target.value; } }),
        el("button", { type: "button", class: "secondary", "aria-label": `${s.removeRange}: ${s.days[day]} ${s.range} ${i + 1}`, text: "✕",
                       onclick: () => { ranges.splice(i, 1); drawDay(day, box); box.querySelector("button")?.focus(); } }))),
      el("button", { type: "button", class: "secondary", "data-add": day, disabled: ranges.length >= MAX_RANGES,
                     "aria-label": `${s.addRange}: ${s.days[day]}`, text: `+ ${s.addRange}`, onclick: () => {
          const last = ranges[ranges.length - 1];
          ranges.push(last ? { opens: last.closes < "23:00" ? last.closes : "08:30", closes: "23:59" } : { opens: "08:30", closes: "16:30" });
          drawDay(day, box);
          box.querySelector(`#hours-${day}-${ranges.length - 1}-opens`)?.focus();
        } })].filter(Boolean));
  };
  const draw = () => {
    nameTh.value = profile.name_th;
    nameEn.value = profile.name_en;
    answer.value = profile.answer_minutes;
    idle.value = profile.chat_idle_minutes;
    hours = Object.fromEntries(DAYS.map((d) => [d, (profile.office_hours[d] || []).map((r) => ({ ...r }))]));
    week.replaceChildren(...DAYS.map((day) => {
      const box = el("fieldset", { class: "profile-day card", "data-day": day });
      drawDay(day, box);
      return box;
    }));
  };
  const checked = () => {
    if (!nameTh.value.trim() || !nameEn.value.trim()) return s.needName;
    const number = (input) => Number.isInteger(Number(input.value)) && input.value !== "" &&
      Number(input.value) >= Number(input.min) && Number(input.value) <= Number(input.max);
    if (!number(answer) || !number(idle)) return s.badNumber;
    for (const day of DAYS) {
      for (const r of hours[day]) {
        if (!/^\d\d:\d\d$/.test(r.opens) || !/^\d\d:\d\d$/.test(r.closes)) return `${s.days[day]}: ${s.badTime}`;
        if (r.opens >= r.closes) return `${s.days[day]}: ${s.badRange}`;
      }
    }
    return null;
  };
  const save = el("button", { type: "submit", id: "profile-save", text: s.save });
  const form = el("form", { class: "profile-form", novalidate: true, "aria-labelledby": "profile-heading" },
    field("profile-name-th", s.nameTh, nameTh), field("profile-name-en", s.nameEn, nameEn),
    el("h3", { text: s.hours }), week,
    field("profile-answer-minutes", s.answerMinutes, answer), field("profile-idle-minutes", s.idleMinutes, idle),
    el("div", { class: "actions" }, save), problem, said);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = ""; said.textContent = "";
    const wrong = checked();
    if (wrong) { problem.textContent = wrong; return; }
    save.disabled = true;
    try {
      profile = await api("PUT", "/agency/profile", {
        name_th: nameTh.value.trim(), name_en: nameEn.value.trim(), answer_minutes: Number(answer.value),
        chat_idle_minutes: Number(idle.value),
        office_hours: Object.fromEntries(DAYS.map((d) => [d, hours[d]])) });  // a day with no range is closed
      draw();
      said.textContent = s.saved;
    } catch (error) { problem.textContent = reason(error); } finally { save.disabled = false; }
  });
  root.append(el("h2", { id: "profile-heading", text: s.heading }), el("p", { text: s.intro }),
    el("p", { class: "muted", text: `${s.agency}: ${profile.agency_id}` }), form);
  draw();
}
