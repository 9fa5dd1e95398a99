// Flex Messages as LINE draws them (bubbles at LINE's widths, carousels scrolled sideways), from the message JSON.
// Text goes in with textContent only; images load only from http(s) URLs. An approximation of LINE's layout,
// close enough to read a card as a citizen would: boxes, text and spans, buttons, images, icons, separators, fillers.

import { el } from "./dom.js";

const SIZES = { xxs: "11px", xs: "13px", sm: "14px", md: "16px", lg: "19px", xl: "22px", xxl: "29px",
                "3xl": "35px", "4xl": "48px", "5xl": "74px" };
const SPACING = { none: "0px", xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px", xxl: "20px" };
const IMAGE_SIZES = { xxs: "40px", xs: "60px", sm: "80px", md: "100px", lg: "120px", xl: "140px", xxl: "160px",
                      "3xl": "180px", "4xl": "200px", "5xl": "240px", full: "100%" };
const ALIGN = { start: "flex-start", center: "center", end: "flex-end" };
const BUBBLE_SIZES = ["nano", "micro", "deca", "hecto", "kilo", "mega", "giga"];

export function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function length(value, table) {
  if (value == null) return null;
  return table[value] || value; // keywords, or LINE's own "12px" / "10%"
}


function applyCommon(node, component, parentLayout, isFirst, parentSpacing) {
  const style = node.style;
  const horizontal = parentLayout === "horizontal" || parentLayout === "baseline";
  const flex = component.flex ?? (horizontal ? 1 : 0);
  style.flex = horizontal ? `${flex} 0 0` : `${flex} 0 auto`;
  const margin = length(component.margin, SPACING) ?? (!isFirst && parentSpacing ? length(parentSpacing, SPACING) : null);
  if (margin) style[horizontal ? "marginLeft" : "marginTop"] = margin;
  if (component.position === "absolute") {
    style.position = "absolute";
    for (const side of ["Top", "Bottom", "Start", "End"]) {
      const value = component[`offset${side}`];
      if (value != null) style[{ Top: "top", Bottom: "bottom", Start: "left", End: "right" }[side]] = length(value, SPACING);
    }
  } else if (component.offsetTop || component.offsetStart) {
    style.position = "relative";
    if (component.offsetTop) style.top = length(component.offsetTop, SPACING);
    if (component.offsetStart) style.left = length(component.offsetStart, SPACING);
  }
  if (component.gravity && horizontal) style.alignSelf = ALIGN[{ top: "start", bottom: "end" }[component.gravity] || component.gravity];
  if (component.align && !horizontal) style.alignSelf = ALIGN[component.align];
}

function tappable(node, action, onAction) {
  if (!action) return node;
  node.classList.add("flex-tap");
  node.tabIndex = 0;
  node.setAttribute("role", "button");
  if (action.label) node.setAttribute("aria-label", action.label);
  node.addEventListener("click", (event) => { event.stopPropagation(); onAction(action); });
  node.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onAction(action); }
  });
  return node;
}

function box(component, onAction) {
  const layout = component.layout || "vertical";
  const node = el("div", `flex-box ${layout}`);
  const style = node.style;
  if (component.backgroundColor) style.backgroundColor = component.backgroundColor;
  if (component.borderColor) style.border = `${length(component.borderWidth, { light: "0.5px", normal: "1px", medium: "2px", "semi-bold": "3px", bold: "4px" }) || "1px"} solid ${component.borderColor}`;
  if (component.cornerRadius) style.borderRadius = length(component.cornerRadius, SPACING);
  for (const [key, css] of [["width", "width"], ["maxWidth", "maxWidth"], ["height", "height"], ["maxHeight", "maxHeight"]]) {
    if (component[key]) style[css] = component[key];
  }
  if (component.paddingAll) style.padding = length(component.paddingAll, SPACING);
  for (const [key, css] of [["paddingTop", "paddingTop"], ["paddingBottom", "paddingBottom"], ["paddingStart", "paddingLeft"], ["paddingEnd", "paddingRight"]]) {
    if (component[key]) style[css] = length(component[key], SPACING);
  }
  if (component.justifyContent) style.justifyContent = component.justifyContent;
  if (component.alignItems) style.alignItems = component.alignItems;
  if (component.background?.type === "linearGradient") {
    const b = component.background;
    style.background = `linear-gradient(${b.angle || "0deg"}, ${b.startColor}, ${b.centerColor ? b.centerColor + " " + (b.centerPosition || "50%") + ", " : ""}${b.endColor})`;
  }
  style.position = style.position || "relative";
  (component.contents || []).forEach((child, i) => {
    const rendered = render(child, onAction, layout, i === 0, component.spacing);
    if (rendered) node.append(rendered);
  });
  return tappable(node, component.action, onAction);
}

function text(component, onAction) {
  const node = el("p", "flex-text");
  const style = node.style;
  style.fontSize = length(component.size || "md", SIZES);
  if (component.weight === "bold") style.fontWeight = "700";
  style.color = component.color || "#111111";
  if (component.align) style.textAlign = { start: "left", end: "right", center: "center" }[component.align];
  if (component.style === "italic") style.fontStyle = "italic";
  if (component.decoration && component.decoration !== "none") style.textDecoration = component.decoration;
  if (component.wrap) node.classList.add("wrap");
  if (component.maxLines) {
    style.display = "-webkit-box";
    style.webkitLineClamp = String(component.maxLines);
    style.webkitBoxOrient = "vertical";
    style.whiteSpace = "normal";
  }
  if (component.lineSpacing) style.lineHeight = `calc(1.2em + ${component.lineSpacing})`;
  if (component.contents?.length) {
    for (const span of component.contents) {
      const part = el("span");
      part.textContent = span.text || "";
      if (span.size) part.style.fontSize = length(span.size, SIZES);
      if (span.color) part.style.color = span.color;
      if (span.weight === "bold") part.style.fontWeight = "700";
      if (span.style === "italic") part.style.fontStyle = "italic";
      if (span.decoration && span.decoration !== "none") part.style.textDecoration = span.decoration;
      node.append(part);
    }
  } else {
    node.textContent = component.text || "";
  }
  return tappable(node, component.action, onAction);
}

function button(component, onAction) {
  const node = el("button", `flex-button ${component.style || "link"} ${component.height === "sm" ? "sm" : ""}`);
  node.type = "button";
  node.textContent = component.action?.label || "";
  if (component.color) {
    if ((component.style || "link") === "link") node.style.color = component.color;
    else node.style.backgroundColor = component.color;
  }
  node.addEventListener("click", () => onAction(component.action));
  return node;
}

function image(component, onAction) {
  const url = safeUrl(component.url);
  const node = el("img", `flex-image ${component.aspectMode === "fit" ? "fit" : ""}`);
  node.alt = component.action?.label || "";
  if (url) node.src = url;
  const size = length(component.size || "md", IMAGE_SIZES);
  node.style.width = size;
  if (component.aspectRatio) node.style.aspectRatio = component.aspectRatio.replace(":", " / ");
  if (component.backgroundColor) node.style.backgroundColor = component.backgroundColor;
  const wrapper = el("div", "flex-box horizontal");
  wrapper.style.justifyContent = ALIGN[component.align || "center"];
  wrapper.append(node);
  return tappable(wrapper, component.action, onAction);
}

function icon(component) {
  const url = safeUrl(component.url);
  const node = el("img", "flex-icon");
  node.alt = "";
  if (url) node.src = url;
  const size = length(component.size || "md", SIZES);
  node.style.height = size;
  node.style.width = component.aspectRatio ? `calc(${size} * ${ratioOf(component.aspectRatio)})` : size;
  node.style.flex = "none";
  return node;
}

function ratioOf(ratio) {
  const [w, h] = ratio.split(":").map(Number);
  return w && h ? w / h : 1;
}

function separator(component) {
  const node = el("hr", "flex-separator");
  if (component.color) node.style.borderTopColor = component.color;
  return node;
}

function filler(component) {
  const node = el("div", "flex-filler");
  node.style.flex = `${component.flex ?? 1} 0 0`;
  return node;
}

function render(component, onAction, parentLayout = "vertical", isFirst = true, parentSpacing = null) {
  const make = { box, text, button, image, icon, separator, filler, spacer: filler }[component.type];
  if (!make) {
    const node = el("p", "flex-text unsupported");
    node.textContent = `[${component.type}]`;
    return node;
  }
  const node = make(component, onAction);
  if (component.type !== "filler" && component.type !== "spacer") applyCommon(node, component, parentLayout, isFirst, parentSpacing);
  return node;
}

const SECTION_PADDING = { header: "20px", hero: "0px", body: "20px", footer: "10px" };

export function bubble(container, onAction) {
  const size = BUBBLE_SIZES.includes(container.size) ? container.size : "mega";
  const node = el("div", `flex-bubble ${size}`);
  if (container.direction === "rtl") node.dir = "rtl";
  for (const section of ["header", "hero", "body", "footer"]) {
    const part = container[section];
    if (!part) continue;
    const styles = container.styles?.[section] || {};
    const wrapper = el("div", `flex-section ${section}`);
    if (styles.separator && section !== "header") {
      const line = el("hr", "flex-separator");
      if (styles.separatorColor) line.style.borderTopColor = styles.separatorColor;
      node.append(line);
    }
    if (styles.backgroundColor) wrapper.style.backgroundColor = styles.backgroundColor;
    const rendered = render(part, onAction);
    if (part.type === "box" && !part.paddingAll && part.paddingTop == null && part.paddingStart == null) {
      rendered.style.padding = ["nano", "micro"].includes(size) && section !== "hero" ? "10px" : SECTION_PADDING[section];
    }
    rendered.style.flex = "none";
    wrapper.append(rendered);
    node.append(wrapper);
  }
  return tappable(node, container.action, onAction);
}

export function flex(contents, onAction) {
  if (contents.type === "carousel") {
    const node = el("div", "flex-carousel");
    node.setAttribute("role", "group");
    node.setAttribute("aria-roledescription", "carousel");
    for (const item of contents.contents || []) node.append(bubble(item, onAction));
    return node;
  }
  return bubble(contents, onAction);
}
