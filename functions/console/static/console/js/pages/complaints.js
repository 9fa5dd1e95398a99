// Complaints: a board by status and a map (Leaflet; a list when offline), filters, a case's timeline,
// photos and steps. Strings of this page in both languages; the API's refusals shown as it gives them.
const S = {
  th: { heading: "เรื่องร้องเรียน", status: "สถานะ", category: "ประเภท", department: "หน่วยงาน", area: "พื้นที่",
        overdue: "เกินกำหนดเท่านั้น", apply: "กรอง", all: "ทั้งหมด", more: "โหลดเพิ่ม", map: "แผนที่",
        mapOffline: "แผนที่ใช้ไม่ได้ขณะออฟไลน์ แสดงเป็นรายการแทน", open: "เปิด", back: "กลับไปที่รายการ",
        timeline: "ลำดับเหตุการณ์", photos: "รูปภาพ", actions: "การดำเนินการ", note: "หมายเหตุ/เหตุผล",
        accept: "รับเรื่อง", progress: "กำลังดำเนินการ", assign: "มอบหมาย", assignee: "ผู้รับผิดชอบ",
        forward: "ส่งต่อหน่วยงาน", duplicate: "เรื่องซ้ำ", duplicateOf: "เลขที่เรื่องต้นฉบับ", resolve: "แก้ไขแล้ว",
        afterPhoto: "รูปหลังแก้ไข (จำเป็น)", reject: "ไม่อยู่ในความรับผิดชอบ", done: "บันทึกแล้ว", due: "กำหนด",
        late: "เกินกำหนด", urgent: "ด่วน", empty: "ไม่มีเรื่องตามตัวกรองนี้", needPhoto: "กรุณาเลือกรูปหลังแก้ไข",
        description: "รายละเอียด", place: "สถานที่" },
  en: { heading: "Complaints", status: "Status", category: "Category", department: "Department", area: "Area",
        overdue: "Overdue only", apply: "Filter", all: "All", more: "Load more", map: "Map",
        mapOffline: "The map is unavailable offline; the cases are listed instead", open: "Open", back: "Back to the list",
        timeline: "Timeline", photos: "Photos", actions: "Actions", note: "Note / reason",
        accept: "Accept", progress: "In progress", assign: "Assign", assignee: "Assignee",
        forward: "Forward to department", duplicate: "Duplicate", duplicateOf: "Original case reference", resolve: "Resolve",
        afterPhoto: "After photo (required)", reject: "Reject (not ours)", done: "Saved", due: "Due",
        late: "Overdue", urgent: "Urgent", empty: "No cases match these filters", needPhoto: "Choose the after photo",
        description: "Description", place: "Place" },
};
const STATUSES = ["received", "accepted", "assigned", "in_progress", "forwarded", "resolved", "reopened", "closed",
                  "duplicate", "rejected", "cancelled"];
const STATUS_NAMES = {
  th: { received: "รับเรื่องแล้ว", accepted: "รับดำเนินการ", assigned: "มอบหมายแล้ว", in_progress: "กำลังดำเนินการ",
        forwarded: "ส่งต่อแล้ว", resolved: "แก้ไขแล้ว", reopened: "เปิดใหม่", closed: "ปิดเรื่อง", duplicate: "ซ้ำ",
        rejected: "ไม่รับเรื่อง", cancelled: "ยกเลิก" },
  en: { received: "Received", accepted: "Accepted", assigned: "Assigned", in_progress: "In progress",
        forwarded: "Forwarded", resolved: "Resolved", reopened: "Reopened", closed: "Closed", duplicate: "Duplicate",
        rejected: "Rejected", cancelled: "Cancelled" },
};

function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/leaflet/leaflet.js";
    script.onload = () => resolve(window.L);
    script.onerror = () => reject(new Error("leaflet"));
    document.head.append(script);
  });
}

const when = (iso, lang) => new Date(iso).toLocaleString(lang === "th" ? "th-TH" : "en-GB", { dateStyle: "medium", timeStyle: "short" });

export async function render(root, ctx) {
  const { api, el, lang, params } = ctx;
  const s = S[lang];
  const statusName = (code) => STATUS_NAMES[lang][code] || code;
  if (params.get("case")) return renderCase(root, ctx, params.get("case"));

  const [categories, departments, areas] = await Promise.all([
    api("GET", "/agency/complaint/categories").catch(() => []),
    api("GET", "/agency/complaint/departments").catch(() => []),
    api("GET", "/agency/complaint/areas").catch(() => []),
  ]);
  const named = (item) => (lang === "th" ? item.name_th : item.name_en) || item.code || item.area_id;
  const select = (id, label, items, value) => el("div", { class: "field" }, el("label", { for: id, text: label }),
    el("select", { id, name: id }, el("option", { value: "", text: s.all }),
      items.map(([code, name]) => el("option", { value: code, text: name, selected: code === value }))));
  const form = el("form", { class: "filters", "aria-label": s.apply },
    select("f-status", s.status, STATUSES.map((c) => [c, statusName(c)]), params.get("status")),
    select("f-category", s.category, (categories || []).map((c) => [c.code, named(c)]), params.get("category")),
    select("f-department", s.department, (departments || []).map((d) => [d.code, named(d)]), params.get("department")),
    select("f-area", s.area, (areas || []).map((a) => [a.area_id || a.code, named(a)]), params.get("area")),
    el("div", { class: "field" }, el("label", { for: "f-overdue" },
      el("input", { id: "f-overdue", type: "checkbox", checked: params.get("overdue") === "true" }), " ", s.overdue)),
    el("button", { type: "submit", text: s.apply }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = {};
    for (const key of ["status", "category", "department", "area"]) {
      const value = form.querySelector(`#f-${key}`).value;
      if (value) chosen[key] = value;
    }
    if (form.querySelector("#f-overdue").checked) chosen.overdue = "true";
    ctx.navigate("complaints", chosen);
  });
  const mapBox = el("div", { class: "map", id: "complaints-map", role: "region", "aria-label": s.map });
  const mapNote = el("p", { class: "notice", hidden: true, text: s.mapOffline });
  const board = el("div", { class: "board", id: "board" });
  const more = el("button", { type: "button", class: "secondary", hidden: true, text: s.more });
  const problem = el("p", { class: "error", role: "alert" });
  root.append(el("h2", { text: s.heading }), form, mapNote, mapBox, problem, board, more);

  const columns = new Map();
  const cases = [];
  const column = (status) => {
    if (!columns.has(status)) {
      const list = el("ul", { class: "plain" });
      const box = el("section", { class: "column", "aria-label": statusName(status) }, el("h3", { text: statusName(status) }), list);
      columns.set(status, list);
      board.append(box);
    }
    return columns.get(status);
  };
  const card = (c) => el("li", { class: "card", "data-ref": c.ref },
    el("a", { href: `#/complaints?case=${encodeURIComponent(c.ref)}`, text: c.ref }),
    el("div", { text: [c.category, c.department].filter(Boolean).join(" · ") }),
    el("div", { class: "muted", text: `${s.due}: ${when(c.due_at, lang)}` }),
    c.overdue ? el("strong", { class: "error", text: s.late }) : null,
    c.urgent ? el("strong", { class: "error", text: ` ${s.urgent}` }) : null);

  let markers = null;
  let cursor = null;
  const query = new URLSearchParams({ limit: "50" });
  for (const key of ["status", "category", "department", "area", "overdue"]) if (params.get(key)) query.set(key, params.get(key));
  async function page() {
    if (cursor) query.set("cursor", cursor);
    problem.textContent = "";
    try {
      const answer = await api("GET", `/agency/complaint/cases?${query}`);
      for (const c of answer.cases) { cases.push(c); column(c.status).append(card(c)); }
      cursor = answer.next;
      more.hidden = !cursor;
      if (!cases.length) board.replaceChildren(el("p", { text: s.empty }));
      if (markers) place(answer.cases);
    } catch (error) { problem.textContent = error.message; }
  }
  function place(found) {
    for (const c of found) {
      if (c.place && c.place.lat != null && c.place.lng != null) {
        window.L.marker([c.place.lat, c.place.lng], { title: c.ref, alt: c.ref }).addTo(markers)
          .bindPopup(`${c.ref} · ${statusName(c.status)}`);
      }
    }
  }
  more.addEventListener("click", page);
  await page();

  const offline = () => { mapBox.hidden = true; mapNote.hidden = false; };
  if (!navigator.onLine) { offline(); return; }
  try {
    const L = await loadLeaflet();
    const located = cases.filter((c) => c.place && c.place.lat != null);
    const map = L.map(mapBox).setView(located.length ? [located[0].place.lat, located[0].place.lng] : [13.75, 100.5], 13);
    const tiles = L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
                              { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" });
    let failed = 0;
    tiles.on("tileerror", () => { failed += 1; if (failed >= 3) offline(); });
    tiles.addTo(map);
    markers = L.layerGroup().addTo(map);
    place(cases);
  } catch { offline(); }
}

async function renderCase(root, ctx, ref) {
  const { api, el, lang } = ctx;
  const s = S[lang];
  const statusName = (code) => STATUS_NAMES[lang][code] || code;
  const problem = el("p", { class: "error", role: "alert", id: "case-error" });
  const done = el("p", { role: "status", id: "case-done" });
  const body = el("div");
  root.append(el("p", {}, el("a", { href: "#/complaints", text: s.back })), problem, done, body);
  const show = (c) => {
    const note = el("textarea", { id: "step-note", rows: 2 });
    const photo = el("input", { id: "after-photo", type: "file", accept: "image/jpeg,image/png" });
    const assignee = el("input", { id: "assignee", type: "text" });
    const department = el("input", { id: "forward-department", type: "text" });
    const original = el("input", { id: "duplicate-of", type: "text" });
    const step = async (name, payload) => {
      problem.textContent = ""; done.textContent = "";
      try {
        const updated = await api("POST", `/agency/complaint/cases/${encodeURIComponent(ref)}/${name}`, payload);
        show(updated);
        done.textContent = `${s.done}: ${statusName(updated.status)}`;
      } catch (error) {
        const detail = error.body && (error.body.message || error.body.detail);
        problem.textContent = `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`;
      }
    };
    const text = () => note.value.trim() || null;
    const resolve = async () => {
      const file = photo.files[0];
      if (!file) { problem.textContent = s.needPhoto; return; }
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      await step("resolve", { note: text() || "-", photo: btoa(binary) });
    };
    body.replaceChildren(
      el("h2", { text: `${c.ref} · ${statusName(c.status)}`, id: "case-heading" }),
      el("p", { text: [c.category, c.department, c.area_id].filter(Boolean).join(" · ") }),
      el("h3", { text: s.description }), el("p", { text: c.description }),
      el("p", { text: `${s.place}: ${[c.place?.address, c.place?.landmark, c.place?.lat != null ? `${c.place.lat}, ${c.place.lng}` : null].filter(Boolean).join(" · ")}` }),
      el("p", { class: "muted", text: `${s.due}: ${when(c.due_at, lang)}${c.overdue ? ` · ${s.late}` : ""}` }),
      el("h3", { text: s.photos }),
      el("div", { class: "photos" }, c.photos.map((p) => el("a", { href: p.url, target: "_blank", rel: "noopener" },
        el("img", { src: p.url, alt: `${p.kind} · ${when(p.at, lang)}` })))),
      el("h3", { text: s.timeline }),
      el("ol", { class: "timeline", id: "timeline" }, c.timeline.map((e) => el("li", {
        text: `${when(e.at, lang)} · ${e.action}${e.to_status ? ` → ${statusName(e.to_status)}` : ""} · ${e.actor}${e.role ? ` (${e.role})` : ""}${e.note ? ` — ${e.note}` : ""}` }))),
      el("h3", { text: s.actions }),
      el("div", { class: "field" }, el("label", { for: "step-note", text: s.note }), note),
      el("div", { class: "actions" },
        el("button", { type: "button", onclick: () => step("accept", { note: text() }), text: s.accept }),
        el("button", { type: "button", onclick: () => step("progress", { note: text() || "-" }), text: s.progress })),
      el("div", { class: "field" }, el("label", { for: "assignee", text: s.assignee }), assignee,
        el("button", { type: "button", onclick: () => step("assign", { assignee: assignee.value.trim(), note: text() }), text: s.assign })),
      el("div", { class: "field" }, el("label", { for: "forward-department", text: s.department }), department,
        el("button", { type: "button", onclick: () => step("forward", { department: department.value.trim(), reason: text() || "-" }), text: s.forward })),
      el("div", { class: "field" }, el("label", { for: "duplicate-of", text: s.duplicateOf }), original,
        el("button", { type: "button", onclick: () => step("duplicate", { of: original.value.trim(), note: text() }), text: s.duplicate })),
      el("div", { class: "field" }, el("label", { for: "after-photo", text: s.afterPhoto }), photo,
        el("button", { type: "button", onclick: resolve, text: s.resolve })),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "danger", onclick: () => step("reject", { reason: text() || "-" }), text: s.reject })));
  };
  try { show(await api("GET", `/agency/complaint/cases/${encodeURIComponent(ref)}`)); } catch (error) {
    problem.textContent = `${error.status || ""} ${error.message}`;
  }
}
