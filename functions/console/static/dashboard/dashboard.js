// The public dashboard (no sign-in): an agency's complaint figures as Chart.js charts, each with its numbers in
// a table, and its cases on a Leaflet map (OpenStreetMap tiles) with the same cases listed under it, which is
// all that shows when the library or the tiles cannot load. Everything comes from the public open-data routes
// (../open-data/complaints/figures.json and cases.json, relative so the page works under any stage path);
// nothing personal is in them, and the page shows no descriptions either (docs/dashboard.md).
// Thai first; the English switch is kept in localStorage. `?jurisdiction_id=` names the agency.
const S = {
  th: {
    title: "แดชบอร์ดเรื่องร้องเรียน", other: "Complaints dashboard", skip: "ข้ามไปเนื้อหา", switchTo: "English",
    loading: "กำลังโหลด…", failed: "โหลดข้อมูลไม่ได้", notFound: "ไม่พบหน่วยงานนี้", retry: "ลองอีกครั้ง",
    overview: "ภาพรวม", cases: "เรื่องทั้งหมด", open: "ยังไม่เสร็จ", resolutions: "แก้ไขแล้ว (ครั้ง)",
    median: "เวลาแก้ไขมัธยฐาน", hours: "ชั่วโมง", sla: "เสร็จภายในเวลาที่กำหนด", rating: "ความพึงพอใจเฉลี่ย",
    charts: "ตัวเลขเรื่องร้องเรียน", byCategory: "เรื่องตามประเภท", byArea: "เรื่องตามพื้นที่", byStatus: "เรื่องตามสถานะ",
    timeToResolve: "เวลาที่ใช้แก้ไข", withinSla: "การแก้ไขภายในเวลาที่กำหนด", satisfaction: "ความพึงพอใจ (คะแนนตามจำนวนดาว)",
    category: "ประเภท", area: "พื้นที่", status: "สถานะ", total: "ทั้งหมด", count: "จำนวน", band: "ช่วงเวลา",
    within: "ภายในเวลาที่กำหนด", beyond: "เกินเวลาที่กำหนด", stars: "คะแนน", starsOf: (n) => `${n} ดาว`,
    ratings: "จำนวนผู้ให้คะแนน", table: "ตัวเลขในตาราง", noChart: "แสดงกราฟไม่ได้ ดูตัวเลขในตาราง", none: "—",
    empty: "ยังไม่มีข้อมูลสำหรับกราฟนี้", outcome: "ผลการแก้ไข",
    upTo: (h) => (h % 24 ? `ไม่เกิน ${h} ชั่วโมง` : `ไม่เกิน ${h / 24} วัน`), longer: (h) => `นานกว่า ${h / 24} วัน`,
    mapHeading: "แผนที่เรื่องร้องเรียน", map: "แผนที่เรื่องร้องเรียน (OpenStreetMap)",
    mapOffline: "แผนที่ใช้ไม่ได้ในขณะนี้ (ออฟไลน์) ดูเรื่องจากรายการด้านล่าง",
    listHeading: "รายการเรื่อง", listNote: (shown, all) => `แสดง ${shown} เรื่องล่าสุดจาก ${all} เรื่องใน 90 วัน`,
    noCases: "ยังไม่มีเรื่องใน 90 วันล่าสุด", filed: "แจ้งเมื่อ", noArea: "นอกเขตพื้นที่", noCategory: "ไม่ระบุประเภท",
    openData: "ข้อมูลเปิด", openDataNote: "ตัวเลขและรายการบนหน้านี้มาจากข้อมูลเปิดของหน่วยงาน ดาวน์โหลดได้:",
    privacy: "หน้านี้ไม่แสดงข้อมูลส่วนบุคคล: ไม่มีชื่อผู้แจ้ง ไอดี LINE เบอร์โทรศัพท์ รูปภาพ หรือรายละเอียดที่ผู้แจ้งพิมพ์ ตำแหน่งปัดเศษประมาณ 10 เมตร",
    countsNote: "นับจากตัวนับของระบบ: การแก้ไขที่ถูกเปิดใหม่แล้วแก้ไขอีกครั้งนับสองครั้ง",
  },
  en: {
    title: "Complaints dashboard", other: "แดชบอร์ดเรื่องร้องเรียน", skip: "Skip to content", switchTo: "ภาษาไทย",
    loading: "Loading…", failed: "The data could not be loaded", notFound: "No such agency", retry: "Try again",
    overview: "Overview", cases: "Cases", open: "Open", resolutions: "Resolutions",
    median: "Median time to resolve", hours: "hours", sla: "Resolved within the service level", rating: "Average satisfaction",
    charts: "Complaint figures", byCategory: "Cases by category", byArea: "Cases by area", byStatus: "Cases by status",
    timeToResolve: "Time to resolve", withinSla: "Resolutions within the service level", satisfaction: "Satisfaction (ratings by stars)",
    category: "Category", area: "Area", status: "Status", total: "Total", count: "Count", band: "Time",
    within: "Within the service level", beyond: "Beyond the service level", stars: "Rating",
    starsOf: (n) => `${n} star${n === "1" ? "" : "s"}`, ratings: "Ratings", table: "The numbers as a table",
    noChart: "The chart could not be drawn; the numbers are in the table", none: "—", empty: "No data for this chart yet", outcome: "Outcome",
    upTo: (h) => (h % 24 ? `Up to ${h} hours` : `Up to ${h / 24} day${h === 24 ? "" : "s"}`), longer: (h) => `Longer than ${h / 24} days`,
    mapHeading: "Map of cases", map: "Map of cases (OpenStreetMap)",
    mapOffline: "The map is unavailable (offline); the cases are in the list below",
    listHeading: "List of cases", listNote: (shown, all) => `The newest ${shown} of ${all} cases in 90 days`,
    noCases: "No cases in the last 90 days", filed: "Filed", noArea: "Outside the service areas", noCategory: "Not categorised",
    openData: "Open data", openDataNote: "The figures and the list on this page come from the agency's open data; download it:",
    privacy: "This page shows no personal data: no reporter's name, LINE id, phone number, photos or the words they typed; places are rounded to about 10 m.",
    countsNote: "Counted by the system's counters: a case reopened and resolved again counts twice.",
  },
};
const STATUS = {
  th: { received: "รับเรื่องแล้ว", accepted: "รับดำเนินการ", assigned: "มอบหมายแล้ว", in_progress: "กำลังดำเนินการ",
        forwarded: "ส่งต่อแล้ว", resolved: "แก้ไขแล้ว", reopened: "เปิดใหม่", closed: "ปิดเรื่อง", duplicate: "ซ้ำ",
        rejected: "ไม่รับเรื่อง", cancelled: "ยกเลิก" },
  en: { received: "Received", accepted: "Accepted", assigned: "Assigned", in_progress: "In progress",
        forwarded: "Forwarded", resolved: "Resolved", reopened: "Reopened", closed: "Closed", duplicate: "Duplicate",
        rejected: "Rejected", cancelled: "Cancelled" },
};
const COLOURS = ["#00632e", "#0b57d0", "#a4001d", "#8a6d00", "#5e35b1", "#00796b", "#6d4c41"];
const LIST_MOST = 200;
const TILE_FAILURES = 3;        // tiles failing before the map gives way to the list
const TILE_WAIT_MS = 15000;     // no tile at all by then: the map gives way to the list

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const jurisdiction = (params.get("jurisdiction_id") || "").trim();
let lang = localStorage.getItem("dashboard.lang") === "en" ? "en" : "th";
let data = null;                // {figures, cases} once read
let drawn = [];                 // Chart.js charts and the Leaflet map of the current render, to dispose of

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function openData(name) {
  const url = new URL(`../open-data/complaints/${name}`, location.href);
  if (jurisdiction) url.searchParams.set("jurisdiction_id", jurisdiction);
  return url;
}

async function read(name) {
  const answer = await fetch(openData(name), { headers: { Accept: "application/json" } });
  if (!answer.ok) {
    const error = new Error(`HTTP ${answer.status}`);
    error.status = answer.status;
    throw error;
  }
  return answer.json();
}

function load(src, global) {
  if (window[global]) return Promise.resolve(window[global]);
  return new Promise((resolve, reject) => {
    const script = el("script", { src });
    script.onload = () => (window[global] ? resolve(window[global]) : reject(new Error(src)));
    script.onerror = () => reject(new Error(src));
    document.head.append(script);
  });
}

const locale = () => (lang === "th" ? "th-TH" : "en-GB");
const number = (n) => new Intl.NumberFormat(locale()).format(n);
const percent = (share) => (share == null ? null : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(share));
const when = (iso) => new Intl.DateTimeFormat(lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Bangkok" }).format(new Date(iso));

function named(kind, code) {
  const s = S[lang];
  const found = kind === "agency" ? data.figures.names?.agency : data.figures.names?.[kind]?.[code];
  if (found && found[lang]) return found[lang];
  if (kind === "areas" && (!code || code === "none")) return s.noArea;
  if (kind === "categories" && (!code || code === "unknown")) return s.noCategory;
  return code || data.figures.agency;
}

function chrome() {
  const s = S[lang];
  document.documentElement.lang = lang;
  const agency = data ? named("agency", null) : "";
  document.title = `${s.title}${agency ? ` · ${agency}` : ""} · ${s.other}`;
  $("title").textContent = s.title;
  $("agency-name").textContent = agency;
  $("lang").textContent = s.switchTo;
  $("lang").setAttribute("lang", lang === "th" ? "en" : "th");
  document.querySelector(".skip").textContent = s.skip;
}

function dispose() {
  for (const thing of drawn) { try { thing.destroy ? thing.destroy() : thing.remove(); } catch { /* already gone */ } }
  drawn = [];
}

function table(caption, heads, rows) {
  return el("table", { class: "figure-table" }, el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => el(i ? "td" : "th", i ? { text: c } : { scope: "row", text: c }))))));
}

// A chart of `series` ({label, values}) over `labels`, with its numbers in a table (<details>) under it; the
// canvas is an image named by its title for assistive technology.
function chart(Chart, id, title, kind, labels, series, heads) {
  const s = S[lang];
  const canvas = el("canvas", { id, role: "img", "aria-label": title });
  const box = el("figure", { class: "figure-chart", "data-chart": id }, el("figcaption", { text: title }),
    el("div", { class: "chart-box" }, canvas));
  if (Chart) {
    const round = kind === "doughnut";
    drawn.push(new Chart(canvas, {
      type: kind,
      data: { labels, datasets: series.map((x, i) => ({ label: x.label, data: x.values,
        backgroundColor: round ? COLOURS.slice(0, labels.length) : COLOURS[i % COLOURS.length],
        borderColor: round ? "#ffffff" : COLOURS[i % COLOURS.length] })) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, locale: locale(),
        plugins: { legend: { display: round || series.length > 1 } },
        scales: round ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }));
  } else box.append(el("p", { class: "muted", text: s.noChart }));
  if (!series.some((x) => x.values.some((v) => v))) box.append(el("p", { class: "muted", text: s.empty }));
  box.append(el("details", {}, el("summary", { text: `${s.table}: ${title}` }),
    table(title, heads, labels.map((label, i) => [label, ...series.map((x) => number(x.values[i]))]))));
  return box;
}

function tile(id, label, value) {
  return el("div", { class: "figure-tile", id }, el("span", { class: "figure-label", text: label }),
    el("strong", { class: "figure-value", text: value ?? S[lang].none }));
}

function figuresSection(Chart) {
  const s = S[lang];
  const f = data.figures;
  const open = Object.values(f.by_category || {}).reduce((n, x) => n + x.open, 0);
  const overview = el("section", { "aria-labelledby": "h-overview" }, el("h2", { id: "h-overview", text: s.overview }),
    el("div", { class: "figure-tiles" },
      tile("fig-cases", s.cases, number(f.cases)), tile("fig-open", s.open, number(open)),
      tile("fig-resolutions", s.resolutions, number(f.resolutions)),
      tile("fig-median", s.median, f.median_hours_to_resolve == null ? null : `${number(f.median_hours_to_resolve)} ${s.hours}`),
      tile("fig-sla", s.sla, percent(f.share_resolved_within_sla)),
      tile("fig-rating", s.rating, f.average_rating == null ? null : `${number(f.average_rating)} / 5`)),
    el("p", { class: "muted", text: s.countsNote }));

  const categories = Object.entries(f.by_category || {});
  const areas = Object.entries(f.by_area || {});
  const statuses = Object.entries(f.by_status || {}).filter(([, n]) => n);
  const bands = f.time_to_resolve || [];
  const band = (b, i) => (b.up_to_hours == null ? s.longer(bands[i - 1]?.up_to_hours ?? 0) : s.upTo(b.up_to_hours));
  const within = f.resolved_within_sla ?? 0;
  const stars = ["1", "2", "3", "4", "5"];
  const charts = el("section", { "aria-labelledby": "h-charts" }, el("h2", { id: "h-charts", text: s.charts }),
    el("div", { class: "figure-charts" },
      chart(Chart, "chart-by-category", s.byCategory, "bar", categories.map(([k]) => named("categories", k)),
        [{ label: s.total, values: categories.map(([, x]) => x.total) }, { label: s.open, values: categories.map(([, x]) => x.open) }],
        [s.category, s.total, s.open]),
      chart(Chart, "chart-by-area", s.byArea, "bar", areas.map(([k]) => named("areas", k)),
        [{ label: s.total, values: areas.map(([, x]) => x.total) }, { label: s.open, values: areas.map(([, x]) => x.open) }],
        [s.area, s.total, s.open]),
      chart(Chart, "chart-by-status", s.byStatus, "bar", statuses.map(([k]) => STATUS[lang][k] || k),
        [{ label: s.count, values: statuses.map(([, n]) => n) }], [s.status, s.count]),
      chart(Chart, "chart-time-to-resolve", s.timeToResolve, "bar", bands.map(band),
        [{ label: s.resolutions, values: bands.map((b) => b.resolutions) }], [s.band, s.resolutions]),
      chart(Chart, "chart-within-sla", s.withinSla, "doughnut", [s.within, s.beyond],
        [{ label: s.resolutions, values: [within, Math.max(0, (f.resolutions || 0) - within)] }], [s.outcome, s.resolutions]),
      chart(Chart, "chart-satisfaction", s.satisfaction, "bar", stars.map(s.starsOf),
        [{ label: s.ratings, values: stars.map((n) => f.ratings_by_stars?.[n] || 0) }], [s.stars, s.ratings])));
  return [overview, charts];
}

function caseText(c) {
  return [named("categories", c.category), named("areas", c.area), STATUS[lang][c.status] || c.status].join(" · ");
}

function casesSection() {
  const s = S[lang];
  const newest = [...data.cases].sort((a, b) => (b.created || "").localeCompare(a.created || ""));
  const shown = newest.slice(0, LIST_MOST);
  const mapBox = el("div", { class: "map", id: "cases-map", role: "region", "aria-label": s.map });
  const mapNote = el("p", { class: "notice", id: "map-offline", hidden: true, text: s.mapOffline });
  const list = el("ul", { class: "case-list", id: "case-list" }, shown.map((c) => el("li", { class: "case", "data-agency": c.agency, "data-ref": c.ref },
    el("strong", { class: "case-ref", text: c.ref }), " ",
    el("span", { class: "case-what", text: caseText(c) }),
    c.created ? el("span", { class: "muted case-when", text: ` · ${s.filed} ${when(c.created)}` }) : null)));
  const section = el("section", { "aria-labelledby": "h-map" }, el("h2", { id: "h-map", text: s.mapHeading }), mapNote, mapBox,
    el("h3", { id: "h-list", text: s.listHeading }),
    shown.length ? el("p", { class: "muted", text: s.listNote(number(shown.length), number(newest.length)) }) : el("p", { text: s.noCases }),
    list);
  return { section, mapBox, mapNote, shown };
}

async function drawMap(mapBox, mapNote, shown) {
  const offline = () => { mapBox.hidden = true; mapNote.hidden = false; };
  const located = shown.filter((c) => c.lat != null && c.lng != null);
  if (!navigator.onLine) return offline();
  let L;
  try { L = await load("vendor/leaflet/leaflet.js", "L"); } catch { return offline(); }
  if (!mapBox.isConnected) return undefined;  // a language switch re-rendered the page meanwhile
  const map = L.map(mapBox, { scrollWheelZoom: false });
  drawn.push(map);
  const tiles = L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" });
  let failed = 0;
  let loaded = 0;
  tiles.on("tileerror", () => { failed += 1; if (failed >= TILE_FAILURES && !loaded) offline(); });
  tiles.on("tileload", () => { loaded += 1; });
  setTimeout(() => { if (!loaded && mapBox.isConnected) offline(); }, TILE_WAIT_MS);
  tiles.addTo(map);
  const markers = located.map((c) => L.marker([c.lat, c.lng], { title: `${c.ref} · ${caseText(c)}`, alt: `${c.ref} · ${caseText(c)}`, keyboard: true })
    .bindPopup(el("span", { text: `${c.ref} · ${caseText(c)}` })));
  const group = L.featureGroup(markers).addTo(map);
  if (markers.length) map.fitBounds(group.getBounds(), { maxZoom: 15, padding: [24, 24] });
  else map.setView([13.75, 100.5], 12);
  return undefined;
}

function footer() {
  const s = S[lang];
  const link = (name) => el("li", {}, el("a", { href: openData(name).href, text: name }));
  $("footer").replaceChildren(el("h2", { id: "h-open-data", text: s.openData }),
    el("p", { text: s.openDataNote }), el("ul", { class: "links" }, ["cases.csv", "cases.json", "figures.json"].map(link)),
    el("p", { id: "privacy", text: s.privacy }));
}

function failure(main, error) {
  const s = S[lang];
  main.replaceChildren(el("div", { class: "notice", role: "alert" },
    el("h2", { text: error.status === 404 ? s.notFound : s.failed }),
    el("p", { text: error.status === 404 ? jurisdiction : String(error.message || error) }),
    el("button", { type: "button", text: s.retry, onclick: () => start() })));
}

async function render() {
  dispose();
  chrome();
  footer();
  const main = $("main");
  let Chart = null;
  try { Chart = await load("vendor/chartjs/chart.umd.js", "Chart"); } catch { Chart = null; }
  const { section, mapBox, mapNote, shown } = casesSection();
  main.replaceChildren(...figuresSection(Chart), section);
  await drawMap(mapBox, mapNote, shown);
}

async function start() {
  const main = $("main");
  chrome();
  footer();
  main.replaceChildren(el("p", { text: S[lang].loading }));
  try {
    const [figures, cases] = await Promise.all([read("figures.json"), read("cases.json")]);
    data = { figures, cases };
  } catch (error) {
    return failure(main, error);
  }
  return render();
}

$("lang").addEventListener("click", () => {
  lang = lang === "th" ? "en" : "th";
  localStorage.setItem("dashboard.lang", lang);
  if (data) render(); else start();
  $("status").textContent = S[lang].title;
});
start();
