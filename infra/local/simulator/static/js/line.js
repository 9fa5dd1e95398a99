// The LINE platform as the phone sees it: webhooks go to the stack's own /line/webhook, signed as LINE signs them;
// what the bot sent is read from the fake LINE (/_line/_fake/...). Nothing here reaches the workers any other way.

const FAKE = "../_line/_fake";

async function json(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { message: text };
  }
}

async function call(path, options = {}) {
  const response = await fetch(path, options);
  const body = await json(response);
  if (!response.ok) {
    const error = new Error(body.message || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function postJson(path, body) {
  return call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function randomOf(alphabet, length) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export function newUserId() {
  return "U" + randomOf("0123456789abcdef", 32);
}

export function newMessageId() {
  return randomOf("123456789", 1) + randomOf("0123456789", 17);
}

// LINE's webhookEventId is a ULID: 26 Crockford base-32 characters.
function newEventId() {
  return randomOf(CROCKFORD, 26);
}

export async function config() {
  return call("config");
}

export async function setProfile(userId, displayName, language) {
  return postJson(`${FAKE}/profiles`, { userId, displayName, language });
}

export async function setBlocked(userId, blocked) {
  return postJson(`${FAKE}/${blocked ? "blocked" : "unblocked"}`, { userId });
}

export async function inbox(userId) {
  return call(`${FAKE}/inbox/${userId}`);
}

export async function loading(userId) {
  return call(`${FAKE}/loading/${userId}`);
}

export async function richMenu() {
  try {
    const menu = await call(`${FAKE}/rich-menu`);
    return { ...menu, imageUrl: `${FAKE}/${menu.imageUrl}` };
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

export async function putContent(messageId, blob) {
  return call(`${FAKE}/content/${messageId}`, {
    method: "POST", headers: { "content-type": blob.type || "application/octet-stream" }, body: blob,
  });
}

/** Post one event as LINE would: a reply token minted by LINE (the fake), the body signed, sent to /line/webhook. */
export async function deliver(userId, destination, event, { replyable = true } = {}) {
  const full = {
    ...event,
    mode: "active",
    timestamp: Date.now(),
    source: { type: "user", userId },
    webhookEventId: newEventId(),
    deliveryContext: { isRedelivery: false },
  };
  if (replyable) {
    full.replyToken = (await postJson(`${FAKE}/reply-tokens`, { userId })).replyToken;
  }
  const body = JSON.stringify({ destination, events: [full] });
  const { signature } = await call("sign", { method: "POST", headers: { "content-type": "application/json" }, body });
  await call("../line/webhook", {
    method: "POST", headers: { "content-type": "application/json", "x-line-signature": signature }, body,
  });
  return full;
}

export const events = {
  follow: (isUnblocked) => ({ type: "follow", follow: { isUnblocked } }),
  unfollow: () => ({ type: "unfollow" }),
  text: (text) => ({ type: "message", message: { type: "text", id: newMessageId(), quoteToken: randomOf("0123456789abcdef", 32), text } }),
  image: (id) => ({ type: "message", message: { type: "image", id, quoteToken: randomOf("0123456789abcdef", 32), contentProvider: { type: "line" } } }),
  location: ({ title, address, latitude, longitude }) => {
    const message = { type: "location", id: newMessageId(), latitude, longitude };
    if (title) message.title = title;
    if (address) message.address = address;
    return { type: "message", message };
  },
  postback: (data, params) => ({ type: "postback", postback: params ? { data, params } : { data } }),
};
