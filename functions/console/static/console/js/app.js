// The staff console's shell: sign-in, navigation and a hash router (#/<page>).
//
// THE PAGE CONTRACT (docs/console.md): each page is static/console/js/pages/<name>.js, loaded with import(),
// exporting `export async function render(root, ctx)`, where ctx = {api, t, lang, agency, role, navigate}:
//   api(method, path, body?)  the agency API (same origin) with the bearer token; resolves to parsed JSON or
//                             throws ApiError (.status, .body). A Blob/ArrayBuffer body is sent as is.
//   t(key)                    the shell's catalogue for shared words (save, cancel, loading, error, ...).
//   lang                      "th" or "en"; a page keeps its own strings for both in its own module.
//   agency, role              from the token ("officer" < "supervisor" < "admin").
//   navigate(page, params?)   go to #/<page>?<params>; the page's params are in ctx.params (URLSearchParams).
// render() may be called again for the same root (a language switch, a navigation): it replaces root's content.
import { ApiError, makeApi } from "./api.js";
import { session, signInCognito, signInLocal, signOut } from "./auth.js";

const RANK = { officer: 1, supervisor: 2, admin: 3 };
export const PAGES = [
  { name: "complaints", role: "officer", th: "เรื่องร้องเรียน", en: "Complaints" },
  { name: "queue", role: "officer", th: "คิววันนี้", en: "Today's queue" },
  { name: "figures", role: "officer", th: "ตัวเลข", en: "Figures" },
  { name: "richmenu", role: "officer", th: "ริชเมนู", en: "Rich menu" },
  { name: "chats", role: "officer", th: "แชท", en: "Chats" },
  { name: "faq", role: "officer", th: "คำถามที่พบบ่อย", en: "FAQ" },
  { name: "bills", role: "officer", th: "บิล", en: "Bills" },
  { name: "notices", role: "officer", th: "ประกาศ", en: "Notices" },
  { name: "profile", role: "admin", th: "ข้อมูลหน่วยงาน", en: "Agency profile" },
];
const WORDS = {
  th: { title: "คอนโซลเจ้าหน้าที่", save: "บันทึก", cancel: "ยกเลิก", loading: "กำลังโหลด…", error: "เกิดข้อผิดพลาด",
        retry: "ลองอีกครั้ง", close: "ปิด", next: "ถัดไป", previous: "ก่อนหน้า", none: "ไม่มีรายการ", send: "ส่ง",
        signin: "เข้าสู่ระบบ", signout: "ออกจากระบบ", pick: "เลือกบัญชีเจ้าหน้าที่ตัวอย่าง", username: "อีเมล",
        password: "รหัสผ่าน", code: "รหัส 6 หลักจากแอปยืนยันตัวตน", newpassword: "รหัสผ่านใหม่", menu: "เมนู",
        pageFailed: "โหลดหน้านี้ไม่ได้", notFound: "ไม่พบหน้านี้", forbidden: "บทบาทของคุณใช้หน้านี้ไม่ได้",
        expired: "หมดเวลาเข้าสู่ระบบ กรุณาเข้าสู่ระบบอีกครั้ง", role_officer: "เจ้าหน้าที่", role_supervisor: "หัวหน้างาน",
        role_admin: "ผู้ดูแลระบบ", skip: "ข้ามไปเนื้อหา" },
  en: { title: "Staff console", save: "Save", cancel: "Cancel", loading: "Loading…", error: "Something went wrong",
        retry: "Try again", close: "Close", next: "Next", previous: "Previous", none: "Nothing here", send: "Send",
        signin: "Sign in", signout: "Sign out", pick: "Choose a demo staff account", username: "Email",
        password: "Password", code: "6-digit code from your authenticator app", newpassword: "New password", menu: "Menu",
        pageFailed: "This page could not be loaded", notFound: "No such page", forbidden: "Your role cannot use this page",
        expired: "Your session ended: please sign in again", role_officer: "Officer", role_supervisor: "Supervisor",
        role_admin: "Admin", skip: "Skip to content" },
};

let lang = localStorage.getItem("console.lang") === "en" ? "en" : "th";
let config = null;
const $ = (id) => document.getElementById(id);
const t = (key) => WORDS[lang][key] ?? WORDS.en[key] ?? key;

export function el(tag, attrs = {}, ...children) {
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

function announce(message) { $("status").textContent = message; }

function allowed(page, role) { return RANK[role] >= RANK[page.role]; }

function navigate(page, params) {
  const query = params ? `?${new URLSearchParams(params)}` : "";
  location.hash = `#/${page}${query}`;
}

function route() {
  const [name, query] = location.hash.replace(/^#\/?/, "").split("?");
  return { name: name || "complaints", params: new URLSearchParams(query || "") };
}

function chrome(current) {
  document.documentElement.lang = lang;
  document.title = `${t("title")} · ${lang === "th" ? "Staff console" : "คอนโซลเจ้าหน้าที่"}`;
  $("title").textContent = t("title");
  $("lang").textContent = lang === "th" ? "English" : "ภาษาไทย";
  $("lang").setAttribute("lang", lang === "th" ? "en" : "th");
  document.querySelector(".skip").textContent = t("skip");
  const me = session();
  $("signout").hidden = !me;
  $("signout").textContent = t("signout");
  $("nav").hidden = !me;
  $("nav").setAttribute("aria-label", t("menu"));
  $("who").textContent = me ? `${me.name} · ${me.agency} · ${t(`role_${me.role}`)}` : "";
  const list = $("nav-list");
  list.replaceChildren();
  if (!me) return;
  for (const page of PAGES.filter((p) => allowed(p, me.role))) {
    list.append(el("li", {}, el("a", { href: `#/${page.name}`, "aria-current": page.name === current ? "page" : null,
                                       text: page[lang] })));
  }
}

function failure(root, heading, detail) {
  root.replaceChildren(el("div", { class: "notice", role: "alert" }, el("h2", { text: heading }),
                          detail ? el("p", { text: detail }) : null,
                          el("button", { type: "button", onclick: () => show(), text: t("retry") })));
}

async function show() {
  const me = session();
  // A fresh root per render: a render still running from an earlier navigation writes into a detached node.
  const root = document.createElement("div");
  $("main").replaceChildren(root);
  if (!me) { chrome(null); return signInScreen(root); }
  const { name, params } = route();
  chrome(name);
  const page = PAGES.find((p) => p.name === name);
  if (!page) return failure(root, t("notFound"), name);
  if (!allowed(page, me.role)) return failure(root, t("forbidden"), page[lang]);
  root.replaceChildren(el("p", { text: t("loading") }));
  const api = makeApi(() => session()?.token || "", () => { signOut(); announce(t("expired")); show(); });
  try {
    const module = await import(`./pages/${name}.js`);
    if (typeof module.render !== "function") throw new Error("render() missing");
    root.replaceChildren();
    await module.render(root, { api, t, lang, agency: me.agency, role: me.role, navigate, params, el, ApiError });
  } catch (error) {
    console.error(error);
    failure(root, `${t("pageFailed")}: ${page[lang]}`, error instanceof ApiError ? error.message : String(error.message || error));
  }
}

async function signInScreen(root) {
  const heading = el("h2", { text: t("signin") });
  const message = el("p", { class: "error", role: "alert" });
  const done = () => { if (!location.hash || location.hash === "#") location.hash = "#/complaints"; else show(); };
  if (!config) {
    try { config = await (await fetch("config.json", { cache: "no-store" })).json(); } catch (error) {
      return failure(root, t("error"), String(error));
    }
  }
  if (config.auth === "local") {
    const list = el("ul", { class: "staff-list", "aria-label": t("pick") });
    for (const staff of config.staff) {
      list.append(el("li", { class: "card" }, el("button", {
        type: "button", class: "secondary", "data-agency": staff.agency, "data-role": staff.role,
        text: `${staff.name} (${staff.agency})`,
        onclick: async () => {
          try { await signInLocal(config, staff); done(); } catch (error) { message.textContent = `${t("error")}: ${error.message}`; }
        },
      })));
    }
    root.replaceChildren(heading, el("p", { text: t("pick") }), list, message);
    return;
  }
  const form = el("form", { novalidate: true });
  const user = el("input", { id: "username", type: "email", autocomplete: "username", required: true });
  const pass = el("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const askCode = (kind) => new Promise((resolve) => {
    const input = el("input", { id: "code", autocomplete: kind === "mfa" ? "one-time-code" : "new-password",
                                type: kind === "mfa" ? "text" : "password", inputmode: kind === "mfa" ? "numeric" : null });
    const step = el("form", {}, el("div", { class: "field" }, el("label", { for: "code", text: t(kind === "mfa" ? "code" : "newpassword") }), input),
                    el("button", { type: "submit", text: t("send") }));
    step.addEventListener("submit", (event) => { event.preventDefault(); resolve(input.value.trim()); });
    root.replaceChildren(heading, step, message);
    input.focus();
  });
  form.append(el("div", { class: "field" }, el("label", { for: "username", text: t("username") }), user),
              el("div", { class: "field" }, el("label", { for: "password", text: t("password") }), pass),
              el("button", { type: "submit", text: t("signin") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try { await signInCognito(config, user.value.trim(), pass.value, askCode); done(); } catch (error) {
      message.textContent = `${t("error")}: ${error.message || error}`;
      root.replaceChildren(heading, form, message);
    }
  });
  root.replaceChildren(heading, form, message);
}

$("lang").addEventListener("click", () => { lang = lang === "th" ? "en" : "th"; localStorage.setItem("console.lang", lang); show(); });
$("signout").addEventListener("click", () => { signOut(); location.hash = ""; show(); });
window.addEventListener("hashchange", () => { show(); $("main").focus(); });
show();
