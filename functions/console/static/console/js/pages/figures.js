// The agency's figures: complaints (status, category, time to resolve, share within the service level,
// ratings, reopen rate, filed and resolved per day), bookings per day and the no-show rate, messages sent and
// failed per day and the quota left this month. From the figure routes (counters, never a scan); each chart
// has its numbers in a table beside it, so the page reads without the canvas (screen readers, no Chart.js).
const S = {
  th: { heading: "ตัวเลขของหน่วยงาน", days: "ช่วงเวลา", show: "แสดง", last: (n) => `${n} วันล่าสุด`,
        complaints: "เรื่องร้องเรียน", bookings: "การจองคิว", messages: "ข้อความ LINE",
        cases: "เรื่องทั้งหมด", open: "ยังไม่เสร็จ", resolutions: "แก้ไขแล้ว (ครั้ง)", median: "เวลาแก้ไขมัธยฐาน",
        hours: "ชั่วโมง", sla: "เสร็จภายในเวลาที่กำหนด", reopen: "ถูกเปิดใหม่", rating: "คะแนนความพึงพอใจเฉลี่ย",
        ratings: "จำนวนผู้ให้คะแนน", noShowRate: "อัตราไม่มาตามนัด", quotaLeft: "โควตาเหลือเดือนนี้",
        quotaUsed: "ใช้ไปแล้ว", quotaLimit: "โควตาทั้งเดือน", quotaOwn: "LINE ไม่ตอบ: นับจากระบบของเรา",
        unlimited: "ไม่จำกัด", day: "วันที่", filed: "แจ้งเข้า", resolved: "แก้ไขแล้ว", status: "สถานะ",
        category: "ประเภท", total: "ทั้งหมด", booked: "จอง", served: "ให้บริการแล้ว", noShow: "ไม่มาตามนัด",
        cancelled: "ยกเลิก", sent: "ส่งแล้ว", failed: "ส่งไม่สำเร็จ", stars: "ดาว", count: "จำนวน",
        byDay: "ต่อวัน", byStatus: "ตามสถานะ", byCategory: "ตามประเภท", byStars: "คะแนนตามจำนวนดาว",
        notChannel: "หน่วยงานนี้ไม่ได้ใช้ช่อง LINE ของระบบนี้", none: "—", noChart: "แสดงกราฟไม่ได้ ดูตัวเลขในตาราง" },
  en: { heading: "Figures", days: "Period", show: "Show", last: (n) => `Last ${n} days`,
        complaints: "Complaints", bookings: "Bookings", messages: "LINE messages",
        cases: "Cases", open: "Open", resolutions: "Resolutions", median: "Median time to resolve",
        hours: "hours", sla: "Resolved within the service level", reopen: "Reopened", rating: "Average rating",
        ratings: "Ratings", noShowRate: "No-show rate", quotaLeft: "Quota left this month",
        quotaUsed: "Used", quotaLimit: "Monthly quota", quotaOwn: "LINE did not answer: our own count",
        unlimited: "unlimited", day: "Day", filed: "Filed", resolved: "Resolved", status: "Status",
        category: "Category", total: "Total", booked: "Booked", served: "Served", noShow: "No-show",
        cancelled: "Cancelled", sent: "Sent", failed: "Failed", stars: "stars", count: "Count",
        byDay: "per day", byStatus: "by status", byCategory: "by category", byStars: "Ratings by stars",
        notChannel: "This agency does not use this deployment's LINE channel", none: "—", noChart: "The chart could not be drawn; the numbers are in the table" },
};
const STATUS = {
  th: { received: "รับเรื่อง", accepted: "รับดำเนินการ", assigned: "มอบหมายแล้ว", in_progress: "กำลังดำเนินการ",
        forwarded: "ส่งต่อ", resolved: "แก้ไขแล้ว", reopened: "เปิดใหม่", closed: "ปิดเรื่อง", duplicate: "ซ้ำ",
        rejected: "ไม่รับเรื่อง", cancelled: "ยกเลิก" },
  en: { received: "Received", accepted: "Accepted", assigned: "Assigned", in_progress: "In progress",
        forwarded: "Forwarded", resolved: "Resolved", reopened: "Reopened", closed: "Closed", duplicate: "Duplicate",
        rejected: "Rejected", cancelled: "Cancelled" },
};
const WINDOWS = [7, 30, 90, 365];
const COLOURS = ["#00632e", "#0b57d0", "#a4001d", "#8a6d00", "#5e35b1", "#00796b", "#6d4c41"];

function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/chartjs/chart.umd.js";
    script.onload = () => resolve(window.Chart);
    script.onerror = () => reject(new Error("chart.js"));
    document.head.append(script);
  });
}

const percent = (share, lang) => (share == null ? null : new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(share));
const number = (n, lang) => new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB").format(n);
// A day of by_day (YYYY-MM-DD, Bangkok) as "2 ธ.ค. 2569" / "2 Dec 2026".
const dayName = (day, lang) => new Intl.DateTimeFormat(lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

export async function render(root, ctx) {
  const { api, el, lang, params } = ctx;
  const s = S[lang];
  const days = WINDOWS.includes(Number(params.get("days"))) ? Number(params.get("days")) : 30;
  const picker = el("select", { id: "fig-days" }, WINDOWS.map((n) => el("option", { value: n, text: s.last(n), selected: n === days })));
  const form = el("form", { class: "filters" }, el("div", { class: "field" }, el("label", { for: "fig-days", text: s.days }), picker),
    el("button", { type: "submit", text: s.show }));
  form.addEventListener("submit", (event) => { event.preventDefault(); ctx.navigate("figures", { days: picker.value }); });
  root.append(el("h2", { text: s.heading }), form);

  // Each read on its own: one failing (the channel is another deployment's) leaves the others shown.
  const read = (path) => api("GET", `${path}?days=${days}`).then((value) => ({ value }), (error) => ({ error }));
  const [complaints, bookings, messages] = await Promise.all(
    [read("/agency/complaint/figures"), read("/agency/booking/figures"), read("/agency/messages/figures")]);
  let Chart = null;
  try { Chart = await loadChart(); } catch { Chart = null; }

  const tile = (label, value, id) => el("div", { class: "figure-tile", id }, el("span", { class: "figure-label", text: label }),
    el("strong", { class: "figure-value", text: value ?? s.none }));
  const table = (caption, heads, rows) => el("table", { class: "figure-table" }, el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => el(i ? "td" : "th", i ? { text: c } : { scope: "row", text: c }))))));
  // A chart of `series` ({label, values}) over `labels`, its table below it; the canvas is an image for assistive tech.
  const chart = (title, kind, labels, series, heads, id) => {
    const canvas = el("canvas", { role: "img", "aria-label": title, id });
    const box = el("figure", { class: "figure-chart" }, el("figcaption", { text: title }), el("div", { class: "chart-box" }, canvas));
    if (Chart) {
      new Chart(canvas, { type: kind, data: { labels, datasets: series.map((x, i) => ({ label: x.label, data: x.values, backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length], tension: 0.2 })) },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: series.length > 1 } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    } else box.append(el("p", { class: "muted", text: s.noChart }));
    box.append(el("details", {}, el("summary", { text: `${title}: ${s.count}` }),
      table(title, heads, labels.map((label, i) => [label, ...series.map((x) => number(x.values[i], lang))]))));
    return box;
  };
  const failed = (error) => el("p", { class: "error", role: "alert", text: `${error.status || ""} ${error.message}` });

  const c = el("section", { "aria-labelledby": "fig-c" }, el("h3", { id: "fig-c", text: s.complaints }));
  if (complaints.error) c.append(failed(complaints.error));
  else {
    const f = complaints.value;
    const open = Object.values(f.by_category).reduce((n, x) => n + x.open, 0);
    c.append(el("div", { class: "figure-tiles" },
      tile(s.cases, number(f.cases, lang), "fig-cases"), tile(s.open, number(open, lang), "fig-open"),
      tile(s.resolutions, number(f.resolutions, lang), "fig-resolutions"),
      tile(s.median, f.median_hours_to_resolve == null ? null : `${number(f.median_hours_to_resolve, lang)} ${s.hours}`, "fig-median"),
      tile(s.sla, percent(f.share_resolved_within_sla, lang), "fig-sla"), tile(s.reopen, percent(f.reopen_rate, lang), "fig-reopen"),
      tile(s.rating, f.average_rating == null ? null : `${number(f.average_rating, lang)} / 5`, "fig-rating"),
      tile(s.ratings, number(f.ratings, lang), "fig-ratings")));
    const labels = f.by_day.map((d) => dayName(d.day, lang));
    const statuses = Object.entries(f.by_status).filter(([, n]) => n);
    const categories = Object.entries(f.by_category);
    c.append(el("div", { class: "figure-charts" },
      chart(`${s.complaints} ${s.byDay}`, "line", labels, [{ label: s.filed, values: f.by_day.map((d) => d.filed) },
        { label: s.resolved, values: f.by_day.map((d) => d.resolved) }], [s.day, s.filed, s.resolved], "chart-cases-by-day"),
      chart(`${s.complaints} ${s.byStatus}`, "bar", statuses.map(([k]) => STATUS[lang][k] || k),
        [{ label: s.count, values: statuses.map(([, n]) => n) }], [s.status, s.count], "chart-cases-by-status"),
      chart(`${s.complaints} ${s.byCategory}`, "bar", categories.map(([k]) => k),
        [{ label: s.total, values: categories.map(([, x]) => x.total) }, { label: s.open, values: categories.map(([, x]) => x.open) }],
        [s.category, s.total, s.open], "chart-cases-by-category"),
      chart(s.byStars, "bar", ["1", "2", "3", "4", "5"].map((n) => `${n} ${s.stars}`),
        [{ label: s.count, values: ["1", "2", "3", "4", "5"].map((n) => f.ratings_by_stars[n] || 0) }], [s.stars, s.count], "chart-ratings")));
  }

  const b = el("section", { "aria-labelledby": "fig-b" }, el("h3", { id: "fig-b", text: s.bookings }));
  if (bookings.error) b.append(failed(bookings.error));
  else {
    const f = bookings.value;
    const sum = (key) => f.by_day.reduce((n, d) => n + d[key], 0);
    b.append(el("div", { class: "figure-tiles" }, tile(s.booked, number(sum("booked"), lang), "fig-booked"),
      tile(s.served, number(sum("served"), lang), "fig-served"), tile(s.noShowRate, percent(f.no_show_rate, lang), "fig-no-show")),
    el("div", { class: "figure-charts" }, chart(`${s.bookings} ${s.byDay}`, "bar", f.by_day.map((d) => dayName(d.day, lang)),
      ["booked", "served", "no_show", "cancelled"].map((k) => ({ label: s[{ no_show: "noShow" }[k] || k], values: f.by_day.map((d) => d[k]) })),
      [s.day, s.booked, s.served, s.noShow, s.cancelled], "chart-bookings-by-day")));
  }

  const m = el("section", { "aria-labelledby": "fig-m" }, el("h3", { id: "fig-m", text: s.messages }));
  if (messages.error) m.append(messages.error.status === 404 ? el("p", { class: "muted", text: s.notChannel }) : failed(messages.error));
  else {
    const f = messages.value;
    const q = f.quota;
    m.append(el("div", { class: "figure-tiles" },
      tile(s.sent, number(f.by_day.reduce((n, d) => n + d.sent, 0), lang), "fig-sent"),
      tile(s.failed, number(f.by_day.reduce((n, d) => n + d.failed, 0), lang), "fig-failed"),
      tile(s.quotaLeft, q.left == null ? (q.limit == null && q.read_from_line ? s.unlimited : null) : number(q.left, lang), "fig-quota-left"),
      tile(s.quotaUsed, number(q.used, lang), "fig-quota-used"),
      tile(s.quotaLimit, q.limit == null ? (q.read_from_line ? s.unlimited : null) : number(q.limit, lang), "fig-quota-limit")),
    q.read_from_line ? "" : el("p", { class: "muted", text: s.quotaOwn }),
    el("div", { class: "figure-charts" }, chart(`${s.messages} ${s.byDay}`, "bar", f.by_day.map((d) => dayName(d.day, lang)),
      [{ label: s.sent, values: f.by_day.map((d) => d.sent) }, { label: s.failed, values: f.by_day.map((d) => d.failed) }],
      [s.day, s.sent, s.failed], "chart-messages-by-day")));
  }
  root.append(c, b, m);
}
