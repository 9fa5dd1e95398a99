// Today's queue per service and branch: check-in, call next, served, no-show; the day's bookings and slots;
// closing a day or a slot (supervisors).
const S = {
  th: { heading: "คิววันนี้", service: "บริการและสาขา", day: "วันที่", show: "แสดง", ref: "เลขที่การจอง",
        checkIn: "เช็กอิน", callNext: "เรียกคิวถัดไป", served: "ให้บริการแล้ว", noShow: "ไม่มาตามนัด",
        bookings: "การจองของวันนี้", slots: "รอบเวลาและที่นั่ง", time: "เวลา", status: "สถานะ", queueNo: "หมายเลขคิว",
        seats: "ที่นั่ง", free: "ว่าง", called: "เรียกคิวหมายเลข", nobody: "ไม่มีผู้รอคิว", checkedIn: "เช็กอินแล้ว คิวหมายเลข",
        ahead: "รอก่อนหน้า", closeDay: "ปิดทั้งวัน", closeSlot: "ปิดรอบนี้", reason: "เหตุผล (แจ้งประชาชน)",
        none: "ไม่มีการจอง", noServices: "ยังไม่มีบริการที่จองได้", saved: "บันทึกแล้ว", closed: "ปิดแล้ว" },
  en: { heading: "Today's queue", service: "Service and branch", day: "Day", show: "Show", ref: "Booking reference",
        checkIn: "Check in", callNext: "Call next", served: "Served", noShow: "No-show",
        bookings: "The day's bookings", slots: "Slots and seats", time: "Time", status: "Status", queueNo: "Queue no.",
        seats: "Seats", free: "Free", called: "Called queue number", nobody: "Nobody is waiting", checkedIn: "Checked in, queue number",
        ahead: "ahead", closeDay: "Close the whole day", closeSlot: "Close this slot", reason: "Reason (told to citizens)",
        none: "No bookings", noServices: "No bookable services yet", saved: "Saved", closed: "Closed" },
};

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Bangkok" }).format(new Date());

export async function render(root, ctx) {
  const { api, el, lang, params, role } = ctx;
  const s = S[lang];
  const services = await api("GET", "/agency/booking/services");
  root.append(el("h2", { text: s.heading }));
  if (!services.length) { root.append(el("p", { text: s.noServices })); return; }
  const chosen = params.get("service") || services[0].service_id;
  const day = params.get("day") || today();
  const name = (x) => `${lang === "th" ? x.name_th : x.name_en} · ${lang === "th" ? x.branch_th : x.branch_en}`;
  const picker = el("select", { id: "q-service" }, services.map((x) => el("option", { value: x.service_id, text: name(x), selected: x.service_id === chosen })));
  const dayInput = el("input", { id: "q-day", type: "date", value: day });
  const form = el("form", { class: "filters" },
    el("div", { class: "field" }, el("label", { for: "q-service", text: s.service }), picker),
    el("div", { class: "field" }, el("label", { for: "q-day", text: s.day }), dayInput),
    el("button", { type: "submit", text: s.show }));
  form.addEventListener("submit", (event) => { event.preventDefault(); ctx.navigate("queue", { service: picker.value, day: dayInput.value }); });

  const problem = el("p", { class: "error", role: "alert", id: "queue-error" });
  const said = el("p", { role: "status", id: "queue-status" });
  const refInput = el("input", { id: "q-ref", type: "text", autocomplete: "off" });
  const bookingsBox = el("div", { id: "q-bookings" });
  const slotsBox = el("div", { id: "q-slots" });
  const base = `/agency/booking/services/${encodeURIComponent(chosen)}/days/${day}`;
  const fail = (error) => {
    const detail = error.body && (error.body.message || error.body.detail);
    problem.textContent = `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`;
  };
  const act = async (work) => {
    problem.textContent = ""; said.textContent = "";
    try { said.textContent = await work(); await refresh(); } catch (error) { fail(error); }
  };
  const bookingStep = (ref, step) => act(async () => {
    const answer = await api("POST", `/agency/booking/bookings/${encodeURIComponent(ref)}/${step}`);
    return step === "check-in" ? `${s.checkedIn} ${answer.queue_number} (${answer.ahead} ${s.ahead})` : `${s.saved}: ${ref} · ${answer.status}`;
  });
  const checkInForm = el("form", { class: "filters" },
    el("div", { class: "field" }, el("label", { for: "q-ref", text: s.ref }), refInput),
    el("button", { type: "submit", text: s.checkIn }));
  checkInForm.addEventListener("submit", (event) => { event.preventDefault(); if (refInput.value.trim()) bookingStep(refInput.value.trim(), "check-in"); });
  const next = el("button", { type: "button", id: "q-next", text: s.callNext, onclick: () => act(async () => {
    const answer = await api("POST", `${base}/queue/next`);
    return answer.queue_number ? `${s.called} ${answer.queue_number} · ${answer.ref}` : s.nobody;
  }) });

  async function refresh() {
    const [found, slots] = await Promise.all([api("GET", `${base}/bookings`), api("GET", `${base}/slots`).catch(() => [])]);
    bookingsBox.replaceChildren(found.length ? el("table", {},
      el("caption", { class: "visually-hidden", text: s.bookings }),
      el("thead", {}, el("tr", {}, [s.time, s.ref, s.status, s.queueNo, ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, found.map((b) => el("tr", { "data-ref": b.ref },
        el("td", { text: b.time }), el("td", { text: b.ref }), el("td", { class: "status", text: b.status }),
        el("td", { text: b.queue_number ?? "" }),
        el("td", {}, el("div", { class: "actions" },
          el("button", { type: "button", class: "secondary", "aria-label": `${s.checkIn} ${b.ref}`, onclick: () => bookingStep(b.ref, "check-in"), text: s.checkIn }),
          el("button", { type: "button", class: "secondary", "aria-label": `${s.served} ${b.ref}`, onclick: () => bookingStep(b.ref, "served"), text: s.served }),
          el("button", { type: "button", class: "secondary", "aria-label": `${s.noShow} ${b.ref}`, onclick: () => bookingStep(b.ref, "no-show"), text: s.noShow }))))))) :
      el("p", { text: s.none }));
    const canClose = role === "supervisor" || role === "admin";
    slotsBox.replaceChildren(el("table", {},
      el("caption", { class: "visually-hidden", text: s.slots }),
      el("thead", {}, el("tr", {}, [s.time, s.seats, s.free, s.status, ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, slots.map((x) => el("tr", {}, el("td", { text: x.time }), el("td", { text: x.seats }), el("td", { text: x.free }),
        el("td", { text: x.status === "open" ? "" : s.closed }),
        el("td", {}, canClose && x.status === "open" ? el("button", { type: "button", class: "secondary", "aria-label": `${s.closeSlot} ${x.time}`,
          onclick: () => closeWith(`${base}/slots/${x.time.replace(":", "")}/close`), text: s.closeSlot }) : null))))));
  }
  const reason = el("input", { id: "q-reason", type: "text" });
  const closeWith = (path) => act(async () => {
    const answer = await api("POST", path, { reason: reason.value.trim() || "-" });
    return `${s.closed}: ${answer.bookings}`;
  });
  root.append(form, problem, said, checkInForm, el("div", { class: "actions" }, next),
    el("h3", { text: s.bookings }), bookingsBox, el("h3", { text: s.slots }), slotsBox);
  if (role !== "officer") {
    root.append(el("div", { class: "field" }, el("label", { for: "q-reason", text: s.reason }), reason,
      el("button", { type: "button", class: "danger", onclick: () => closeWith(`${base}/close`), text: s.closeDay })));
  }
  try { await refresh(); } catch (error) { fail(error); }
}
