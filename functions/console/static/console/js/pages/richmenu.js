// The rich menu: which services its tiles show and in which order (officers see it; admins choose, save and
// publish it — the API rebuilds the image and sets it as the channel's default, docs/console-api.md).
const S = {
  th: { heading: "ริชเมนู", intro: "บริการที่แสดงบนเมนูใน LINE ตามลำดับ (ซ้ายไปขวา บนลงล่าง)",
        shown: "แสดงบนเมนู", up: "เลื่อนขึ้น", down: "เลื่อนลง", save: "บันทึกลำดับ", publish: "เผยแพร่ไปยัง LINE",
        published: "เผยแพร่ล่าสุด", never: "ยังไม่เคยเผยแพร่", by: "โดย", size: "ขนาดเมนู",
        compact: "แถวเดียว (2500×843)", large: "สองแถว (2500×1686)", saved: "บันทึกแล้ว กด “เผยแพร่” เพื่อให้ประชาชนเห็น",
        done: "เผยแพร่แล้ว เมนูใหม่", unchanged: "เมนูใน LINE ตรงกับที่เลือกอยู่แล้ว", areas: "ช่อง",
        readOnly: "ผู้ดูแลระบบเท่านั้นที่เปลี่ยนเมนูได้", preview: "ตัวอย่างลำดับช่อง", noneShown: "เลือกอย่างน้อยหนึ่งบริการ",
        refused: "LINE ไม่รับเมนูนี้ เมนูเดิมยังใช้อยู่", order: "ลำดับ" },
  en: { heading: "Rich menu", intro: "The services shown on the menu in LINE, in order (left to right, top to bottom)",
        shown: "Shown on the menu", up: "Move up", down: "Move down", save: "Save the order", publish: "Publish to LINE",
        published: "Last published", never: "Never published", by: "by", size: "Menu size",
        compact: "One row (2500×843)", large: "Two rows (2500×1686)", saved: "Saved. Publish it for citizens to see it",
        done: "Published; new menu", unchanged: "The menu in LINE is already this one", areas: "tiles",
        readOnly: "Only admins can change the menu", preview: "The tiles in order", noneShown: "Choose at least one service",
        refused: "LINE refused this menu; the old one stays", order: "Order" },
};

const when = (iso, lang) => new Date(iso).toLocaleString(lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" });

export async function render(root, ctx) {
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const admin = role === "admin";
  let menu = await api("GET", "/agency/rich-menu");
  // The admin's working order: shown services first, in menu order, then the others.
  let order = menu.services.map((x) => ({ ...x }));
  const said = el("p", { role: "status", id: "rm-status" });
  const problem = el("p", { class: "error", role: "alert", id: "rm-error" });
  const list = el("ol", { class: "menu-services", id: "rm-services", "aria-label": s.heading });
  const preview = el("ol", { class: "menu-preview", id: "rm-preview", "aria-label": s.preview });
  const published = el("p", { id: "rm-published" });
  const save = el("button", { type: "button", id: "rm-save", text: s.save, disabled: !admin });
  const publish = el("button", { type: "button", id: "rm-publish", text: s.publish, disabled: !admin });
  const label = (x) => (lang === "th" ? x.label_th : x.label_en);

  const showPublished = () => published.replaceChildren(menu.published
    ? `${s.published}: ${when(menu.published.at, lang)} ${s.by} ${menu.published.by} · ${menu.published.rich_menu_id} · ${s.size}: ${s[menu.size]}`
    : `${s.never} · ${s.size}: ${s[menu.size]}`);
  const move = (i, step, focus) => {
    const j = i + step;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    draw();
    list.querySelectorAll(`button[data-move="${focus}"]`)[j]?.focus();  // the keyboard stays on the moved service
  };
  function draw() {
    list.replaceChildren(...order.map((x, i) => el("li", { class: "card menu-service", "data-service": x.name },
      el("input", { type: "checkbox", id: `rm-${x.name}`, checked: x.enabled, disabled: !admin,
        onchange: (event) => { x.enabled = event.target.checked; draw(); } }),
      el("label", { for: `rm-${x.name}`, class: "inline", text: `${label(x)} — ${s.shown}` }),
      admin ? el("div", { class: "actions" },
        el("button", { type: "button", class: "secondary", "data-move": "up", "aria-label": `${s.up}: ${label(x)}`, disabled: i === 0, onclick: () => move(i, -1, "up"), text: "↑" }),
        el("button", { type: "button", class: "secondary", "data-move": "down", "aria-label": `${s.down}: ${label(x)}`, disabled: i === order.length - 1, onclick: () => move(i, 1, "down"), text: "↓" })) : null)));
    preview.replaceChildren(...order.filter((x) => x.enabled).map((x) => el("li", { class: "menu-tile", text: label(x) })));
  }
  const fail = (error) => {
    const detail = error.body && (error.body.message || error.body.detail);
    problem.textContent = `${error.status === 502 ? `${s.refused}: ` : ""}${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`;
  };
  const act = async (work) => {
    problem.textContent = ""; said.textContent = "";
    save.disabled = publish.disabled = true;
    try { said.textContent = await work(); } catch (error) { fail(error); } finally { save.disabled = publish.disabled = !admin; }
  };
  const store = async () => {
    const services = order.filter((x) => x.enabled).map((x) => x.name);
    if (!services.length) throw Object.assign(new Error(s.noneShown), { body: { message: s.noneShown } });
    menu = await api("PUT", "/agency/rich-menu", { services });
    order = menu.services.map((x) => ({ ...x }));
    draw(); showPublished();
  };
  save.addEventListener("click", () => act(async () => { await store(); return s.saved; }));
  // Publishing what is on screen: saved first, so the stored choice and LINE's menu never differ.
  publish.addEventListener("click", () => act(async () => {
    await store();
    const answer = await api("POST", "/agency/rich-menu/publish");
    menu = await api("GET", "/agency/rich-menu");
    showPublished();
    return answer.status === "unchanged" ? s.unchanged : `${s.done} ${answer.rich_menu_id} (${answer.areas} ${s.areas})`;
  }));

  root.append(el("div", {}, el("h2", { text: s.heading }), el("p", { text: s.intro }), published,
    admin ? null : el("p", { class: "notice", text: s.readOnly }), list,
    el("h3", { text: s.preview }), preview, el("div", { class: "actions" }, save, publish), problem, said));
  draw(); showPublished();
}
