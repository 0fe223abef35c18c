// Every call to the API goes through request(): who is asking, a 15 s timeout, one retry of a
// 503 that says when (Retry-After, waiting at most 5 s, with the same Idempotency-Key), and one
// way of turning any failure into the words the person reads (ApiError.message).

export const TIMEOUT_SECONDS = 15;
const MAX_RETRY_WAIT_SECONDS = 5;

export const WORDS = {
  timeout: `No answer from the server after ${TIMEOUT_SECONDS} s; try again.`,
  network: "Could not reach the server; check your connection.",
  expired: "Your sign-in has expired: sign in again",
  unexpected: (status) => `Unexpected answer from the server (HTTP ${status})`,
  busy: (seconds) => `Busy, retrying in ${seconds} s…`,
};

// What a bare answer of API Gateway itself ({"message": "Endpoint request timed out"}) means for the person.
const GATEWAY_MEANS = {
  429: "Too many requests just now; wait a moment and try again",
  500: "The server ran into a problem",
  502: "The server ran into a problem",
  503: "The server is busy just now; try again in a moment",
  504: "The server took too long to answer",
};

export function gatewayWords(status, text) {
  return `${GATEWAY_MEANS[status] || "The server could not answer"} (HTTP ${status}: ${text}).`;
}

export class ApiError extends Error {
  constructor(message, status = 0, code = "") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// identity: auth.Identity (null before the configuration is known: no identity headers);
// onWait(text): say we are waiting; onExpired(): the sign-in is gone.
export function createApi({ identity = null, onWait, onExpired = () => {} }) {
  const jwt = Boolean(identity) && identity.mode === "jwt";
  function expired() {
    identity.forgetTokens();
    onExpired();
    return new ApiError(WORDS.expired, 401, "UNAUTHORIZED");
  }

  // as: "json" (the default) or "blob"; key: an Idempotency-Key, kept for the one retry.
  async function request(method, path, { body, key, as = "json" } = {}) {
    if (jwt && !identity.accessToken()) throw expired();
    const headers = { Accept: as === "json" ? "application/json" : "*/*", ...(identity ? identity.headers() : {}) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const url = new URL(path, document.baseURI);

    let answer = await attempt(url, init, as);
    if (answer.status === 503 && answer.retryAfter !== null) {
      const seconds = Math.min(answer.retryAfter, MAX_RETRY_WAIT_SECONDS);
      onWait(WORDS.busy(seconds));
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      answer = await attempt(url, init, as);
    }
    if (answer.status === 401 && jwt) throw expired();
    if (answer.ok) {
      if (answer.value === undefined) throw new ApiError(WORDS.unexpected(answer.status), answer.status);
      return answer.value;
    }
    const error = answer.value && typeof answer.value === "object" ? answer.value : {};
    const inner = error.error && typeof error.error === "object" ? error.error : null;
    const message = inner && typeof inner.message === "string" ? inner.message : error.message;
    if (inner && typeof message === "string" && message) {
      throw new ApiError(message, answer.status, typeof inner.code === "string" ? inner.code : "");
    }
    if (typeof message === "string" && message) throw new ApiError(gatewayWords(answer.status, message), answer.status, "GATEWAY");
    throw new ApiError(WORDS.unexpected(answer.status), answer.status);
  }

  return { request };
}

// fetch, and read its answer, within one timeout: `read(response)` runs before the timer stops.
// A request that ran out of time is ApiError TIMEOUT; any other failure is thrown as it is.
async function fetchWithin(url, init, read) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_SECONDS * 1000);
  try {
    return await read(await fetch(url, { ...init, signal: controller.signal }));
  } catch (failure) {
    throw controller.signal.aborted ? new ApiError(WORDS.timeout, 0, "TIMEOUT") : failure;
  } finally {
    clearTimeout(timer);
  }
}

// One round trip, its body read within the same timeout. Never throws but for a lost answer.
async function attempt(url, init, as) {
  try {
    return await fetchWithin(url, { ...init, cache: "no-store" }, async (response) => {
      const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
      const result = {
        ok: response.ok,
        status: response.status,
        retryAfter: Number.isFinite(retry) && retry >= 0 ? retry : null,
        value: undefined,
      };
      if (response.ok && as === "blob") {
        result.value = await response.blob();
      } else {
        const text = await response.text();
        try {
          result.value = JSON.parse(text);
        } catch {
          result.value = undefined;
        }
      }
      return result;
    });
  } catch (failure) {
    if (failure instanceof ApiError) throw failure;
    throw new ApiError(WORDS.network, 0, "NETWORK");
  }
}

// The identity provider's token endpoint (form-encoded), with the same timeout; null on failure.
export async function postForm(url, form) {
  const init = {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    credentials: "omit",
  };
  try {
    return await fetchWithin(url, init, (response) => response.json());
  } catch {
    return null;
  }
}
