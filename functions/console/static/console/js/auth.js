// Sign-in: the local stack's demo staff (a token from its IdP) or Cognito (SRP, then an MFA code if asked).
const KEY = "console.session";

export function session() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && saved.exp * 1000 > Date.now()) return saved;
  } catch { /* a damaged entry is no session */ }
  return null;
}

export function signOut() { sessionStorage.removeItem(KEY); }

function claims(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
  return JSON.parse(json);
}

function keep(token) {
  const c = claims(token);
  const groups = c["cognito:groups"] || [];
  const rank = ["admin", "supervisor", "officer"];
  const role = rank.find((r) => groups.includes(r)) || groups[0] || "officer";
  const saved = { token, agency: c["custom:agency_id"], role, sub: c.sub, name: c.email || c.sub, exp: c.exp };
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return saved;
}

export async function signInLocal(config, staff) {
  const query = new URLSearchParams({ agency: staff.agency, role: staff.role, sub: staff.sub || `${staff.agency}-${staff.role}` });
  const response = await fetch(`${config.token_url}?${query}`);
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  const saved = keep((await response.json()).token);
  saved.name = staff.name;
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return saved;
}

let cognitoLoaded;
function loadCognito() {
  // A classic script (UMD) that sets window.AmazonCognitoIdentity.
  cognitoLoaded ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/cognito/amazon-cognito-identity.min.js";
    script.onload = () => resolve(window.AmazonCognitoIdentity);
    script.onerror = () => reject(new Error("cannot load the sign-in library"));
    document.head.append(script);
  });
  return cognitoLoaded;
}

// askCode(kind) resolves to the code the staff member types (kind: "mfa" or "new-password").
export async function signInCognito(config, username, password, askCode) {
  const C = await loadCognito();
  const pool = new C.CognitoUserPool({ UserPoolId: config.user_pool_id, ClientId: config.client_id });
  const user = new C.CognitoUser({ Username: username, Pool: pool });
  const details = new C.AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (result) => resolve(keep(result.getIdToken().getJwtToken())),
      onFailure: (error) => reject(error),
      totpRequired: async () => user.sendMFACode(await askCode("mfa"), callbacks, "SOFTWARE_TOKEN_MFA"),
      mfaRequired: async () => user.sendMFACode(await askCode("mfa"), callbacks),
      newPasswordRequired: async () => user.completeNewPasswordChallenge(await askCode("new-password"), {}, callbacks),
      mfaSetup: () => reject(new Error("MFA is not set up for this account: ask an admin")),
    };
    user.authenticateUser(details, callbacks);
  });
}
