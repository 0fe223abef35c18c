// Who is asking: a typed name in demo mode (auth_mode "none"), or a sign-in with the identity
// provider (auth_mode "jwt"): OAuth 2.0 authorization code with PKCE. Tokens live in
// sessionStorage only (never localStorage): closing the tab forgets them.

const KEYS = {
  user: "court-booking.user",
  access: "court-booking.access-token",
  id: "court-booking.id-token",
  verifier: "court-booking.pkce-verifier",
  state: "court-booking.pkce-state",
};
// The API's own rule for a user id: courtbooking.models.USER_ID_PATTERN (tests/functions/test_page.py keeps them equal).
const MAX_NAME = 128;
const USER_ID = /^[A-Za-z0-9_.@:+\-|]{1,128}$/;
// 64 unreserved characters: a random byte modulo 64 picks each one without bias.
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export class Identity {
  constructor(settings) {
    this.mode = settings.auth_mode === "jwt" ? "jwt" : "none";
    this.signIn = settings.sign_in || null;
  }

  // --- demo mode ------------------------------------------------------------
  // The name in use: the one last accepted (what the field shows may be a refused one).
  storedName() {
    return sessionStorage.getItem(KEYS.user) || "";
  }

  rememberName(name) {
    if (name) sessionStorage.setItem(KEYS.user, name);
    else sessionStorage.removeItem(KEYS.user);
  }

  static nameProblem(name) {
    if (!name || USER_ID.test(name)) return "";
    if (name.length > MAX_NAME) return `A name may be at most ${MAX_NAME} characters (this one has ${name.length}).`;
    return "A name may use only plain letters A-Z and a-z, digits and _ . @ : + - |; no spaces or accents.";
  }

  // Who the page acts for, to keep that person's chat apart: "" when nobody.
  key() {
    if (this.mode === "none") return this.storedName() ? `name:${this.storedName()}` : "";
    const claims = decodeClaims(this.accessToken()) || {};
    return typeof claims.sub === "string" && claims.sub ? `sub:${claims.sub}` : "";
  }

  // --- sign-in ---------------------------------------------------------------
  accessToken() {
    const token = sessionStorage.getItem(KEYS.access);
    if (!token) return "";
    const claims = decodeClaims(token);
    if (claims && typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) return "";
    return token;
  }

  hasExpiredToken() {
    return Boolean(sessionStorage.getItem(KEYS.access)) && !this.accessToken();
  }

  displayName() {
    const claims = decodeClaims(sessionStorage.getItem(KEYS.id) || "") || {};
    const access = decodeClaims(sessionStorage.getItem(KEYS.access) || "") || {};
    return claims["cognito:username"] || claims.username || claims.sub || access.username || access.sub || "";
  }

  signedIn() {
    return this.mode === "none" || Boolean(this.accessToken());
  }

  forgetTokens() {
    sessionStorage.removeItem(KEYS.access);
    sessionStorage.removeItem(KEYS.id);
  }

  // The headers every API call carries: who is asking.
  headers() {
    if (this.mode === "jwt") {
      const token = this.accessToken();
      return token ? { Authorization: `Bearer ${token}` } : {};
    }
    const name = this.storedName();
    return name && !Identity.nameProblem(name) ? { "X-User-Id": name } : {};
  }

  redirectUri() {
    return location.origin + location.pathname;
  }

  async startSignIn() {
    const verifier = randomString(64);
    const state = randomString(32);
    sessionStorage.setItem(KEYS.verifier, verifier);
    sessionStorage.setItem(KEYS.state, state);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    const url = new URL(this.signIn.authorize_url);
    const params = {
      response_type: "code",
      client_id: this.signIn.client_id,
      redirect_uri: this.redirectUri(),
      scope: this.signIn.scope,
      state,
      code_challenge: base64Url(new Uint8Array(digest)),
      code_challenge_method: "S256",
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    location.assign(url.toString());
  }

  // Back from the identity provider with ?code&state (or ?error): trade the code for tokens.
  // Answers "" when there was nothing to finish or it worked, else what went wrong.
  async finishSignIn(fetchToken) {
    const query = new URLSearchParams(location.search);
    if (!query.has("code") && !query.has("error")) return "";
    const expected = sessionStorage.getItem(KEYS.state);
    const verifier = sessionStorage.getItem(KEYS.verifier);
    sessionStorage.removeItem(KEYS.state);
    sessionStorage.removeItem(KEYS.verifier);
    const code = query.get("code");
    const state = query.get("state");
    const error = query.get("error_description") || query.get("error");
    for (const name of ["code", "state", "error", "error_description"]) query.delete(name);
    const rest = query.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
    // The state first: without this page's own state, nothing in the address (an error text included)
    // came from a sign-in it started, so none of it is shown or used.
    if (!this.signIn || !expected || state !== expected || !verifier) {
      return "Sign-in did not finish (the answer did not match this page's request): sign in again";
    }
    if (error) return `Sign-in did not finish: ${error}`;
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: this.redirectUri(),
      client_id: this.signIn.client_id,
      code_verifier: verifier,
    });
    const answer = await fetchToken(this.signIn.token_url, form);
    if (!answer || typeof answer.access_token !== "string") {
      const why = answer && (answer.error_description || answer.error);
      return `Sign-in did not finish${why ? `: ${why}` : ""}: sign in again`;
    }
    sessionStorage.setItem(KEYS.access, answer.access_token);
    if (typeof answer.id_token === "string") sessionStorage.setItem(KEYS.id, answer.id_token);
    return "";
  }

  signOut() {
    this.forgetTokens();
    if (!this.signIn) {
      location.reload();
      return;
    }
    const url = new URL(this.signIn.logout_url);
    url.searchParams.set("client_id", this.signIn.client_id);
    url.searchParams.set("logout_uri", this.redirectUri());
    location.assign(url.toString());
  }
}

function randomString(length) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => URL_SAFE[b % URL_SAFE.length]).join("");
}

function base64Url(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// A token's claims, for display and its expiry only: the API checks the signature, not the page.
export function decodeClaims(token) {
  const part = String(token).split(".")[1];
  if (!part) return null;
  try {
    const padded = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
