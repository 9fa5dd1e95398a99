// Bills: import a CSV file (bills, accounts or payments; ≤ 5 MB through the page), follow its batch (rows
// imported, citizens notified, skipped with no linked citizen, failed and why) and its report of rejected rows
// (line and reason, paged), the latest batches, "notify now" for a held batch, and a payment recorded for a bill.
// Routes: docs/bills.md ("Agencies"). Officers read and record payments; supervisors import and notify.
const S = {
  th: { heading: "บิลค่าน้ำค่าไฟ", upload: "นำเข้าไฟล์ CSV", kind: "ชนิดของไฟล์", file: "ไฟล์ CSV",
        fileHint: "ไม่เกิน 5 MB ต่อไฟล์ (ไฟล์ใหญ่กว่านี้ใช้ลิงก์อัปโหลดของ API) · UTF-8 หรือ TIS-620 · แถวแรกเป็นชื่อคอลัมน์",
        send: "นำเข้า", sending: "กำลังส่งไฟล์…", tooBig: (mb) => `ไฟล์ใหญ่ ${mb} MB เกิน 5 MB: ขอลิงก์อัปโหลดจาก POST /agency/bill/uploads`,
        noFile: "กรุณาเลือกไฟล์ CSV", supervisorOnly: "หัวหน้างานขึ้นไปเท่านั้นที่นำเข้าไฟล์และสั่งแจ้งเตือนได้",
        batches: "ชุดนำเข้าล่าสุด", created: "เวลา", status: "สถานะ", rows: "แถว", imported: "นำเข้าแล้ว",
        unchanged: "ไม่เปลี่ยนแปลง", rejected: "ไม่ผ่าน", paid: "ชำระแล้ว", planned: "ส่งถึงผู้ผูกบัญชี (ตามแผน)",
        notified: "ส่งบิลแล้ว", failed: "ส่งไม่สำเร็จ", skipped: "ข้าม: ไม่มีผู้ผูกบัญชี", blocked: "ข้าม: ผู้ใช้บล็อกบัญชี",
        chunks: "ชิ้นงานเสร็จ", why: "สาเหตุที่ส่งไม่สำเร็จ", open: "ดู", back: "กลับไปหน้าบิล", batch: "ชุดนำเข้า",
        progress: "ความคืบหน้า", report: "แถวที่ไม่ผ่าน", line: "บรรทัด", reason: "เหตุผล", noRejects: "ไม่มีแถวที่ไม่ผ่าน",
        notify: "แจ้งเตือนตอนนี้", notifyHint: "ชุดนี้ยังไม่ได้แจ้งผู้ผูกบัญชี (ถูกพักไว้เพราะโควตา หรือปิดการแจ้งอัตโนมัติ)",
        refresh: "อ่านใหม่", notFound: "ไม่พบชุดนำเข้านี้ในหน่วยงานของคุณ", payment: "บันทึกการชำระเงิน",
        account: "เลขที่ผู้ใช้ (บัญชี)", find: "ดูบิลของบัญชี", period: "รอบบิล", amount: "จำนวนเงิน", due: "ครบกำหนด",
        paidOn: "วันที่ชำระ (เว้นว่าง = วันนี้)", markPaid: "บันทึกว่าชำระแล้ว", recorded: "บันทึกการชำระแล้ว",
        noBills: "บัญชีนี้ยังไม่มีบิล", badAccount: "เลขที่ผู้ใช้คือตัวอักษรหรือตัวเลข 4–20 ตัว", pages: (a, b) => `หน้า ${a} · บรรทัด ${b}`, watching: "กำลังติดตามความคืบหน้า",
        page: "หน้า" },
  en: { heading: "Water and electricity bills", upload: "Import a CSV file", kind: "Kind of file", file: "CSV file",
        fileHint: "At most 5 MB a file (larger files: the API's upload link) · UTF-8 or TIS-620 · the first line names the columns",
        send: "Import", sending: "Sending the file…", tooBig: (mb) => `The file is ${mb} MB, over 5 MB: ask POST /agency/bill/uploads for an upload link`,
        noFile: "Choose a CSV file", supervisorOnly: "Only supervisors and admins import files and notify",
        batches: "Latest batches", created: "When", status: "Status", rows: "Rows", imported: "Imported",
        unchanged: "Unchanged", rejected: "Rejected", paid: "Paid", planned: "Pushes to linked citizens (planned)",
        notified: "Bills sent", failed: "Failed", skipped: "Skipped: no linked citizen", blocked: "Skipped: blocked the account",
        chunks: "Pieces done", why: "Why they failed", open: "Open", back: "Back to bills", batch: "Batch",
        progress: "Progress", report: "Rejected rows", line: "Line", reason: "Reason", noRejects: "No rejected rows",
        notify: "Notify now", notifyHint: "This batch's linked citizens have not been told yet (held for the quota, or auto-notify is off)",
        refresh: "Read again", notFound: "No such batch in your agency", payment: "Record a payment",
        account: "Account number", find: "Show its bills", period: "Month", amount: "Amount", due: "Due",
        paidOn: "Paid on (empty = today)", markPaid: "Mark paid", recorded: "Payment recorded",
        noBills: "This account has no bills yet", badAccount: "An account number is 4–20 letters or digits", pages: (a, b) => `page ${a} · from line ${b}`, watching: "Following the progress",
        page: "Page" },
};
const KINDS = {
  th: { bills: "บิล (bills)", accounts: "บัญชีผู้ใช้ (accounts)", payments: "การชำระเงิน (payments)" },
  en: { bills: "Bills", accounts: "Accounts", payments: "Payments" },
};
const STATUS = {
  th: { received: "รับไฟล์แล้ว รอคิว", splitting: "กำลังอ่านไฟล์", importing: "กำลังนำเข้า", imported: "นำเข้าแล้ว",
        notifying: "กำลังส่งบิลถึงประชาชน", notified: "ส่งบิลแล้ว", done: "เสร็จแล้ว", held_quota: "พักไว้: โควตา LINE",
        failed: "ล้มเหลว", unpaid: "ยังไม่ชำระ", paid: "ชำระแล้ว" },
  en: { received: "Received, queued", splitting: "Reading the file", importing: "Importing", imported: "Imported",
        notifying: "Sending the bills", notified: "Bills sent", done: "Done", held_quota: "Held: LINE quota",
        failed: "Failed", unpaid: "Unpaid", paid: "Paid" },
};
export const BODY_MAX = 5_000_000; // the import route's limit (bill_routes.BODY_CSV_MAX)
const FINAL = new Set(["done", "notified", "failed"]);
const REJECTS_PAGE = 50;

// A heading in the page's language; in Thai, its English beside it (staff who read English find their way).
const heading = (el, lang, tag, key, attrs = {}) => el(tag, attrs, S[lang][key],
  lang === "th" ? " " : null, lang === "th" ? el("span", { class: "en-beside", lang: "en", text: S.en[key] }) : null);
const when = (iso, lang) => new Date(iso).toLocaleString(lang === "th" ? "th-TH" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" });
const number = (n, lang) => new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB").format(n ?? 0);
const reason = (error) => {
  const detail = error.body && (error.body.message || error.body.detail);
  return `${error.status || ""} ${typeof detail === "string" ? detail : JSON.stringify(detail ?? error.message)}`.trim();
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function render(root, ctx) {
  if (ctx.params.get("batch")) return renderBatch(root, ctx, ctx.params.get("batch"));
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const canImport = role === "supervisor" || role === "admin";
  root.append(heading(el, lang, "h2", "heading"));

  // ---- import a file
  const kind = el("select", { id: "bl-kind", disabled: !canImport },
    ["bills", "accounts", "payments"].map((k) => el("option", { value: k, text: KINDS[lang][k] })));
  const file = el("input", { id: "bl-file", type: "file", accept: ".csv,text/csv", "aria-describedby": "bl-file-hint",
                             disabled: !canImport });
  const problem = el("p", { class: "error", role: "alert", id: "bl-upload-error" });
  const form = el("form", { class: "bills-upload", "aria-labelledby": "bl-upload-h" },
    el("div", { class: "field" }, el("label", { for: "bl-kind", text: s.kind }), kind),
    el("div", { class: "field" }, el("label", { for: "bl-file", text: s.file }), file,
      el("p", { class: "muted", id: "bl-file-hint", text: s.fileHint })),
    el("button", { type: "submit", id: "bl-send", disabled: !canImport, text: s.send }), problem);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    const chosen = file.files[0];
    if (!chosen) { problem.textContent = s.noFile; file.focus(); return; }
    if (chosen.size > BODY_MAX) { problem.textContent = s.tooBig((chosen.size / 1e6).toFixed(1)); return; }
    const button = form.querySelector("#bl-send");
    button.disabled = true;
    button.textContent = s.sending;
    try {
      // as bytes (octet-stream): API Gateway passes them untouched, so a TIS-620 file arrives as it was saved
      const bytes = new Blob([await chosen.arrayBuffer()], { type: "application/octet-stream" });
      const name = chosen.name.replace(/[/\\\u0000-\u001f]/g, "_").slice(-120);
      const answer = await api("POST", `/agency/bill/imports/${kind.value}?name=${encodeURIComponent(name)}`, bytes);
      ctx.navigate("bills", { batch: answer.batch_id });
    } catch (error) {
      problem.textContent = reason(error);
      button.disabled = false;
      button.textContent = s.send;
    }
  });
  root.append(el("section", { class: "bills-panel", "aria-labelledby": "bl-upload-h" },
    heading(el, lang, "h3", "upload", { id: "bl-upload-h" }), canImport ? null : el("p", { class: "notice", text: s.supervisorOnly }), form));

  // ---- latest batches
  const list = el("div", { id: "bl-batches" }, el("p", { text: ctx.t("loading") }));
  root.append(el("section", { class: "bills-panel", "aria-labelledby": "bl-batches-h" },
    heading(el, lang, "h3", "batches", { id: "bl-batches-h" }), list));

  // ---- record a payment
  root.append(paymentPanel(ctx));

  try {
    const batches = await api("GET", "/agency/bill/batches");
    list.replaceChildren(batches.length ? el("div", { class: "table-wrap" }, el("table", { id: "bl-batch-list" },
      el("caption", { class: "visually-hidden", text: s.batches }),
      el("thead", {}, el("tr", {}, [s.created, s.file, s.kind, s.status, s.rows, s.imported, s.rejected, s.notified]
        .map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, batches.map((b) => el("tr", { "data-batch": b.batch_id },
        el("th", { scope: "row" }, el("a", { href: `#/bills?batch=${encodeURIComponent(b.batch_id)}`, text: when(b.created_at, lang) })),
        el("td", { text: b.file || b.batch_id }), el("td", { text: KINDS[lang][b.kind] || b.kind || "" }),
        el("td", { text: STATUS[lang][b.status] || b.status }), el("td", { class: "num", text: number(b.rows, lang) }),
        el("td", { class: "num", text: number(b.imported, lang) }), el("td", { class: "num", text: number(b.rejected, lang) }),
        el("td", { class: "num", text: number(b.notified, lang) })))))) : el("p", { text: ctx.t("none") }));
  } catch (error) {
    list.replaceChildren(el("p", { class: "error", role: "alert", text: reason(error) }));
  }
}

function paymentPanel(ctx) {
  const { api, el, lang } = ctx;
  const s = S[lang];
  const account = el("input", { id: "bl-account", type: "text", inputmode: "numeric", autocomplete: "off",
                                pattern: "[0-9A-Za-z-]{4,20}", required: true });
  const paidOn = el("input", { id: "bl-paid-on", type: "date" });
  const problem = el("p", { class: "error", role: "alert", id: "bl-pay-error" });
  const done = el("p", { role: "status", id: "bl-pay-done", tabindex: "-1" });
  const found = el("div", { id: "bl-account-bills" });
  const show = async () => {
    problem.textContent = ""; done.textContent = "";
    const acct = account.value.trim();
    if (!/^[0-9A-Za-z-]{4,20}$/.test(acct)) { problem.textContent = s.badAccount; account.focus(); return; }
    try {
      const rows = await api("GET", `/agency/bill/accounts/${encodeURIComponent(acct)}/bills`);
      found.replaceChildren(rows.length ? el("div", { class: "table-wrap" }, el("table", {},
        el("caption", { text: `${s.account} ${acct}` }),
        el("thead", {}, el("tr", {}, [s.period, s.amount, s.due, s.status, ""].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, rows.map((b) => el("tr", { "data-period": b.period },
          el("th", { scope: "row", text: b.period }), el("td", { class: "num", text: b.amount ? `฿${Number(b.amount).toLocaleString("en-US", { minimumFractionDigits: 2 })}` : "" }),
          el("td", { text: b.due || "" }), el("td", { text: STATUS[lang][b.status] || b.status || "" }),
          el("td", {}, b.status === "paid" ? null : el("button", { type: "button", class: "secondary",
            "aria-label": `${s.markPaid} ${acct} ${b.period}`, text: s.markPaid,
            onclick: () => pay(acct, b.period) }))))))) : el("p", { text: s.noBills }));
    } catch (error) { found.replaceChildren(); problem.textContent = reason(error); }
  };
  const pay = async (acct, period) => {
    problem.textContent = ""; done.textContent = "";
    const body = paidOn.value ? { paid_at: `${paidOn.value}T12:00:00+07:00` } : {};
    try {
      const bill = await api("POST", `/agency/bill/accounts/${encodeURIComponent(acct)}/bills/${period}/paid`, body);
      await show();
      done.textContent = `${s.recorded}: ${bill.account} ${bill.period} · ${STATUS[lang][bill.status] || bill.status}`;
      done.focus();  // the button pressed is gone with the re-read table
    } catch (error) { problem.textContent = reason(error); }
  };
  const form = el("form", { class: "filters" },
    el("div", { class: "field" }, el("label", { for: "bl-account", text: s.account }), account),
    el("div", { class: "field" }, el("label", { for: "bl-paid-on", text: s.paidOn }), paidOn),
    el("button", { type: "submit", id: "bl-find", text: s.find }));
  form.addEventListener("submit", (event) => { event.preventDefault(); show(); });
  return el("section", { class: "bills-panel", "aria-labelledby": "bl-pay-h" },
    heading(el, lang, "h3", "payment", { id: "bl-pay-h" }), form, problem, done, found);
}

async function renderBatch(root, ctx, batchId) {
  const { api, el, lang, role } = ctx;
  const s = S[lang];
  const canNotify = role === "supervisor" || role === "admin";
  const title = el("h2", { id: "bl-batch-h", "data-batch": batchId, text: `${s.batch} ${batchId}` });
  const status = el("p", { id: "bl-status", class: "batch-status", role: "status", "aria-live": "polite", tabindex: "-1" });
  const message = el("p", { id: "bl-message", class: "notice", hidden: true });
  const bar = el("progress", { id: "bl-progress", max: 1, value: 0, "aria-labelledby": "bl-progress-l" });
  const figures = el("dl", { class: "batch-figures", id: "bl-figures" });
  const why = el("ul", { id: "bl-why", class: "error" });
  const problem = el("p", { class: "error", role: "alert", id: "bl-error" });
  const notify = el("button", { type: "button", id: "bl-notify", hidden: true, text: s.notify });
  const notifyHint = el("p", { class: "muted", id: "bl-notify-hint", hidden: true, text: s.notifyHint });
  const refresh = el("button", { type: "button", class: "secondary", id: "bl-refresh", text: s.refresh });
  const report = el("div", { id: "bl-rejects" });
  root.append(el("p", {}, el("a", { href: "#/bills", text: s.back })), title, problem,
    el("section", { class: "bills-panel", "aria-labelledby": "bl-progress-h" }, heading(el, lang, "h3", "progress", { id: "bl-progress-h" }),
      status, message, el("div", { class: "batch-bar" }, el("span", { id: "bl-progress-l", class: "muted", text: s.chunks }), bar),
      figures, why, el("div", { class: "actions" }, notify, refresh), notifyHint),
    el("section", { class: "bills-panel", "aria-labelledby": "bl-rejects-h" }, heading(el, lang, "h3", "report", { id: "bl-rejects-h" }), report));

  let shownRejected = -1;
  const starts = [0];  // after_line of each page read, to go back
  const rejectsPage = async () => {
    const after = starts[starts.length - 1];
    const focused = report.contains(document.activeElement) ? document.activeElement.id : null;
    try {
      const rows = await api("GET", `/agency/bill/batches/${encodeURIComponent(batchId)}/rejects?after_line=${after}&limit=${REJECTS_PAGE}`);
      const previous = el("button", { type: "button", class: "secondary", id: "bl-rejects-prev", disabled: starts.length === 1,
        text: ctx.t("previous"), onclick: () => { starts.pop(); rejectsPage(); } });
      const next = el("button", { type: "button", class: "secondary", id: "bl-rejects-next", disabled: rows.length < REJECTS_PAGE,
        text: ctx.t("next"), onclick: () => { starts.push(rows[rows.length - 1].line); rejectsPage(); } });
      report.replaceChildren(rows.length ? el("div", { class: "table-wrap" }, el("table", { id: "bl-reject-list" },
        el("caption", { class: "visually-hidden", text: `${s.report}: ${s.pages(starts.length, after + 1)}` }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: s.line }), el("th", { scope: "col", text: s.reason }))),
        el("tbody", {}, rows.map((r) => el("tr", {}, el("th", { scope: "row", class: "num", text: String(r.line) }),
          el("td", { text: r.reason })))))) : el("p", { text: s.noRejects }),
        rows.length || starts.length > 1 ? el("div", { class: "actions", role: "group", "aria-label": s.page },
          previous, el("span", { class: "muted pager-where", text: s.pages(starts.length, after + 1) }), next) : null);
      // keyboard: the focus stays on the pager (on the other button when this one is now disabled)
      if (focused) (report.querySelector(`#${focused}:not([disabled])`) || report.querySelector(".actions button:not([disabled])"))?.focus();
    } catch (error) { report.replaceChildren(el("p", { class: "error", role: "alert", text: reason(error) })); }
  };

  let last = null;
  const show = (b) => {
    last = b;
    const statusText = `${STATUS[lang][b.status] || b.status} · ${b.file || ""} · ${KINDS[lang][b.kind] || b.kind || ""} · ${when(b.created_at, lang)}`;
    if (status.textContent !== statusText) status.textContent = statusText;
    status.dataset.status = b.status;
    message.hidden = !b.message;
    message.textContent = b.message || "";
    bar.max = Math.max(1, b.chunks ?? 1);
    bar.value = b.chunks == null ? 0 : b.chunks_done;
    const items = [["rows", b.rows], ["imported", b.imported], ["unchanged", b.unchanged], ["rejected", b.rejected]];
    if (b.kind === "payments") items.push(["paid", b.paid]);
    if (b.kind === "bills") items.push(["planned", b.linked_pushes_planned], ["notified", b.notified],
      ["skipped", b.skipped_no_linked_citizen], ["blocked", b.blocked], ["failed", b.notify_failed]);
    figures.replaceChildren(...items.map(([key, n]) => el("div", { class: "batch-figure", "data-figure": key },
      el("dt", { text: s[key] }), el("dd", { text: number(n, lang) }))));
    why.replaceChildren(...(b.notify_failed_why || []).map((w) => el("li", { text: `${s.why}: ${w}` })));
    const held = b.kind === "bills" && (b.status === "held_quota" || b.status === "imported");
    notify.hidden = !(held && canNotify);
    notifyHint.hidden = !held;
    if (b.rejected !== shownRejected && starts.length === 1) { shownRejected = b.rejected; rejectsPage(); }
  };
  const read = async () => {
    try { show(await api("GET", `/agency/bill/batches/${encodeURIComponent(batchId)}`)); problem.textContent = ""; return true; } catch (error) {
      problem.textContent = error.status === 404 ? s.notFound : reason(error);
      return error.status !== 404;
    }
  };
  notify.addEventListener("click", async () => {
    problem.textContent = "";
    try {
      show(await api("POST", `/agency/bill/batches/${encodeURIComponent(batchId)}/notify`, {}));
      status.focus();  // the button is hidden now
      watch();
    } catch (error) { problem.textContent = reason(error); }
  });
  refresh.addEventListener("click", read);

  // Poll until the batch is final and its deliveries are counted (LINE's answers trail the status a little).
  let watching = false;
  const watch = async () => {
    if (watching) return;
    watching = true;
    let delay = 700, after = 0;
    while (root.isConnected) {
      if (!(await read())) break;
      if (last && FINAL.has(last.status)) {
        const settled = last.kind !== "bills" || last.status === "failed" ||
          last.notified + last.notify_failed >= last.linked_pushes_planned - last.blocked;
        if (settled || ++after > 30) break;
      }
      if (last && (last.status === "held_quota" || (last.status === "imported" && after++ > 10))) break;
      await pause(delay);
      delay = Math.min(delay * 1.5, 5000);
    }
    watching = false;
  };
  await read();
  watch();
}
