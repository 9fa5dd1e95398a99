// The agency API (same origin) with the staff member's bearer token.
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && (body.message || body.detail || body.reason);
    super(`HTTP ${status}${detail ? `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}` : ""}`);
    this.status = status;
    this.body = body;
  }
}

export function makeApi(getToken, onUnauthorized) {
  return async function api(method, path, body) {
    const headers = { Authorization: `Bearer ${getToken()}` };
    let payload;
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      payload = body;
      if (body.type) headers["Content-Type"] = body.type;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const response = await fetch(path, { method, headers, body: payload });
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { message: text }; }
    if (response.status === 401 && onUnauthorized) onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  };
}
