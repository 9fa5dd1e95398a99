// One LINE message object (as the bot sent it) into what the LINE app shows: text, image, sticker, location,
// buttons / confirm / carousel templates, Flex. Quick replies are drawn by the phone, under the last message.

import { flex, safeUrl } from "./flex.js";
import { el } from "./dom.js";


function textBubble(message) {
  return el("div", "bubble", message.text ?? "");
}

function imageMessage(message, label) {
  const url = safeUrl(message.previewImageUrl || message.originalContentUrl);
  if (!url) return el("div", "bubble unsupported", "[image]");
  const img = el("img", "media");
  img.src = url;
  img.alt = label;
  return img;
}

function location(message) {
  const node = el("div", "place");
  node.append(el("strong", null, message.title || "📍"));
  if (message.address) node.append(el("div", null, message.address));
  const link = el("a", null, `${message.latitude}, ${message.longitude}`);
  link.href = `https://www.openstreetmap.org/?mlat=${message.latitude}&mlon=${message.longitude}#map=17/${message.latitude}/${message.longitude}`;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  node.append(link);
  return node;
}

function actionButtons(actions, onAction, confirm = false) {
  const row = el("div", `actions${confirm ? " confirm" : ""}`);
  for (const action of actions || []) {
    const button = el("button", null, action.label || "");
    button.type = "button";
    button.addEventListener("click", () => onAction(action));
    row.append(button);
  }
  return row;
}

function templateCard({ thumbnailImageUrl, title, text, actions }, onAction, confirm = false) {
  const card = el("div", "template");
  const thumb = safeUrl(thumbnailImageUrl);
  if (thumb) {
    const img = el("img", "thumb");
    img.src = thumb;
    img.alt = "";
    card.append(img);
  }
  const content = el("div", "content");
  if (title) content.append(el("p", "title", title));
  content.append(el("div", null, text || ""));
  card.append(content, actionButtons(actions, onAction, confirm));
  return card;
}

function template(message, onAction) {
  const t = message.template || {};
  switch (t.type) {
    case "buttons":
      return templateCard(t, onAction);
    case "confirm":
      return templateCard({ text: t.text, actions: t.actions }, onAction, true);
    case "carousel": {
      const row = el("div", "template-carousel");
      for (const column of t.columns || []) row.append(templateCard(column, onAction));
      return row;
    }
    case "image_carousel": {
      const row = el("div", "template-carousel");
      for (const column of t.columns || []) {
        const img = el("img", "media");
        const url = safeUrl(column.imageUrl);
        if (url) img.src = url;
        img.alt = column.action?.label || "";
        img.tabIndex = 0;
        img.addEventListener("click", () => onAction(column.action));
        row.append(img);
      }
      return row;
    }
    default:
      return el("div", "bubble unsupported", message.altText || "[template]");
  }
}

/** The node for one message; `words` labels what needs a label (images). */
export function renderMessage(message, onAction, words) {
  switch (message.type) {
    case "text":
    case "textV2":
      return textBubble(message);
    case "image":
      return imageMessage(message, words.photo);
    case "sticker":
      return el("div", "bubble", `[sticker ${message.packageId}/${message.stickerId}]`);
    case "location":
      return location(message);
    case "template":
      return template(message, onAction);
    case "flex":
      return flex(message.contents, onAction);
    default:
      return el("div", "bubble unsupported", `[${message.type}] ${message.altText || ""}`.trim());
  }
}
