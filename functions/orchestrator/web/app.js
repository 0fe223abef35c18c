// The page people book from: a chat, a day grid of the courts, and their bookings (docs/web.md).
// Every API call goes through api.request(); every text from the API is set as textContent.

import { ApiError, createApi, fetchJson, postForm, WORDS } from "./api.js";
import { Identity } from "./auth.js";
import { addDays, dayLabel, hhmm, minutesOf } from "./dates.js";

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
const REFRESHING_STATUSES = new Set(["booked", "moved", "cancelled"]);
// Answers whose slots are offers to take; a booked or moved answer's slot is what was just done.
const OFFERING_STATUSES = new Set(["alternatives", "available", "needs_input", "unavailable"]);

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

const state = {
  settings: null,
  identity: null,
  api: null,
  day: "",
  days: [],
  bookings: [],
  slots: new Map(), // slot_id -> slot, of the grid's day
  slotsDay: "", // the day `slots` are of
  bookingsGeneration: 0,
  moving: null, // the booking being moved
  conversationId: "",
  generation: 0,
  loadedAt: Date.now(),
};

// --- small helpers ------------------------------------------------------------------------
function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  if (text) node.textContent = text;
  return node;
}

function say(text) {
  const status = $("#status");
  status.replaceChildren(text ? element("p", { class: "info" }, text) : "");
}

function warn(text) {
  $("#status").replaceChildren(element("p", { class: "error", role: "alert" }, text));
}

function describe(failure) {
  if (failure instanceof ApiError) return failure.message;
  console.error(failure);
  return "Something went wrong on this page; reload it and try again.";
}

// Controls are disabled (and aria-busy) while their request runs, and always given back after.
// A failure is shown (role=alert) and answered undefined; onFailure may add to what is shown.
async function busy(controls, work, onFailure = null) {
  const list = controls.filter(Boolean);
  const before = list.map((c) => c.disabled);
  const focused = document.activeElement;
  for (const control of list) {
    control.disabled = true;
    control.setAttribute("aria-busy", "true");
  }
  try {
    return await work();
  } catch (failure) {
    warn(describe(failure));
    if (onFailure) onFailure(failure);
    return undefined;
  } finally {
    list.forEach((control, i) => {
      control.disabled = before[i];
      control.removeAttribute("aria-busy");
    });
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && focused && focused.isConnected && !focused.disabled) focused.focus();
  }
}

function bookingSummary(booking) {
  const start = minutesOf(booking.time);
  return `${booking.court}, ${dayLabel(booking.date)} ${booking.time}-${hhmm(start + booking.duration_minutes)}`;
}

function nowMinutes() {
  const facility = state.settings.facility;
  return minutesOf(facility.now) + Math.floor((Date.now() - state.loadedAt) / 60000);
}

// --- confirmation -------------------------------------------------------------------------
function confirmWith(text, yes, no, { focus = "yes" } = {}) {
  const dialog = $("#confirm");
  const opener = document.activeElement;
  $("#confirm-text").textContent = text;
  $('[data-confirm="yes"]', dialog).textContent = yes;
  $('[data-confirm="no"]', dialog).textContent = no;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        if (opener && opener.isConnected) opener.focus();
        resolve(dialog.returnValue === "yes");
      },
      { once: true },
    );
    dialog.showModal();
    $(`[data-confirm="${focus}"]`, dialog).focus();
  });
}

// --- identity -----------------------------------------------------------------------------
function needsName() {
  const { identity } = state;
  if (identity.mode !== "none") return false;
  const name = identity.demoName();
  const problem = Identity.nameProblem(name);
  if (name && !problem) return false;
  warn(problem || "Enter your name first (demo mode), so the booking is yours.");
  $("#user").focus();
  return true;
}

function showIdentity() {
  const { identity, settings } = state;
  const who = $("#who");
  const signIn = $('[data-action="sign-in"]');
  const signOut = $('[data-action="sign-out"]');
  const note = $("#sign-in-note");
  if (identity.mode === "none") {
    const name = identity.demoName();
    who.textContent = name ? `Booking as ${name}` : "Demo mode: enter your name to book";
    setSignedIn(true);
    return;
  }
  const signedIn = identity.signedIn();
  signIn.hidden = signedIn || !settings.sign_in;
  signOut.hidden = !signedIn;
  note.hidden = Boolean(settings.sign_in);
  note.textContent = settings.sign_in ? "" : "Sign-in is not set up on this deployment (SignInDomain)";
  who.textContent = signedIn ? `Signed in as ${identity.displayName() || "you"}` : "Not signed in";
  setSignedIn(signedIn);
}

function setSignedIn(signedIn) {
  for (const note of $$(".signed-out-note")) note.hidden = signedIn;
  for (const part of [$("#chat-form"), $(".day-chooser"), $("#grid"), $("#my-bookings")]) part.hidden = !signedIn;
  if (!signedIn) {
    stopMoving({ quiet: true });
    $("#my-bookings").replaceChildren();
    $("#grid").replaceChildren();
    state.slotsDay = "";
  }
}

function onNameChosen(event) {
  event.preventDefault();
  const { identity } = state;
  const name = identity.demoName();
  const problem = Identity.nameProblem(name);
  if (problem) {
    warn(problem);
    return;
  }
  if (name === identity.storedName() && event.type === "change") return;
  identity.rememberName(name);
  state.conversationId = "";
  stopMoving({ quiet: true });
  showIdentity();
  say(name ? `Booking as ${name}.` : "");
  refresh();
}

// --- chat ---------------------------------------------------------------------------------
function slotLabel(slot, manyDays) {
  return manyDays ? `${slot.court} ${dayLabel(slot.date)} ${slot.time}` : `${slot.court} ${slot.time}`;
}

function showAnswer(answer) {
  const item = element("div", { class: "chat-answer" });
  item.append(element("p", {}, answer.response));
  const offered = OFFERING_STATUSES.has(answer.status) && Array.isArray(answer.slots);
  const slots = offered ? answer.slots.slice(0, ORDINALS.length) : [];
  if (slots.length) {
    const manyDays = new Set(slots.map((s) => s.date)).size > 1;
    const offers = element("div", { class: "offers", role: "group", "aria-label": "Offered times" });
    slots.forEach((slot, i) => {
      const button = element("button", { type: "button", "data-offer-index": i }, slotLabel(slot, manyDays));
      button.addEventListener("click", () => sendChat(`the ${ORDINALS[i]} one`));
      offers.append(button);
    });
    item.append(offers);
  }
  return item;
}

async function sendChat(text) {
  const message = text.trim();
  if (!message || needsName()) return;
  const log = $("#chat-log");
  const input = $("#message");
  const send = $('#chat-form button[type="submit"]');
  const earlier = $$("[data-offer-index]:not(:disabled)", log);
  for (const offer of earlier) offer.disabled = true; // once answered, earlier offers are stale
  log.append(element("div", { class: "chat-me" }, message));
  log.scrollTop = log.scrollHeight;
  log.setAttribute("aria-busy", "true");
  const sent = await busy([input, send], async () => {
    const body = { message };
    if (state.conversationId) body.conversation_id = state.conversationId;
    const answer = await state.api.request("POST", "chat", { body, key: crypto.randomUUID() });
    if (!answer || typeof answer.response !== "string" || typeof answer.status !== "string") {
      throw new ApiError(WORDS.unexpected(200), 200);
    }
    state.conversationId = typeof answer.conversation_id === "string" ? answer.conversation_id : "";
    log.append(showAnswer(answer));
    say("");
    return answer;
  });
  log.removeAttribute("aria-busy");
  if (!sent) {
    for (const offer of earlier) if (offer.isConnected) offer.disabled = false; // not answered: still open
    log.append(element("div", { class: "chat-error" }, $("#status").textContent || "No answer."));
  } else if (input.value.trim() === message) {
    input.value = "";
  }
  log.scrollTop = log.scrollHeight;
  if (sent && REFRESHING_STATUSES.has(sent.status)) {
    const date = sent.booking && sent.booking.date;
    if (date && date !== state.day && state.days.includes(date)) setDay(date, { load: false });
    await refresh();
  }
}

// --- the day grid -------------------------------------------------------------------------
function fillDays() {
  const facility = state.settings.facility;
  state.days = Array.from({ length: facility.horizon_days }, (_, i) => addDays(facility.today, i));
  const select = $("#day");
  select.replaceChildren(
    ...state.days.map((day, i) => element("option", { value: day }, i === 0 ? `Today, ${dayLabel(day)}` : dayLabel(day))),
  );
  setDay(facility.today, { load: false });
}

function setDay(day, { load = true } = {}) {
  state.day = day;
  $("#day").value = day;
  const index = state.days.indexOf(day);
  $('[data-action="previous-day"]').disabled = index <= 0;
  $('[data-action="next-day"]').disabled = index >= state.days.length - 1;
  if (load) loadGrid();
}

function starts() {
  const facility = state.settings.facility;
  const open = minutesOf(facility.opening_time);
  const close = minutesOf(facility.closing_time);
  const step = facility.slot_minutes;
  const list = [];
  for (let t = open; t + step <= close; t += step) list.push(hhmm(t));
  return list;
}

function yoursAt(court, time) {
  const t = minutesOf(time);
  return state.bookings.find((b) => {
    const start = minutesOf(b.time);
    return b.date === state.day && b.court === court && start <= t && t < start + b.duration_minutes;
  });
}

function renderGrid() {
  const facility = state.settings.facility;
  const byCell = new Map();
  for (const slot of state.slots.values()) byCell.set(`${slot.court}|${slot.time}`, slot);
  const today = facility.today;
  const now = nowMinutes();
  const table = element("table", { class: "court-grid" });
  table.append(element("caption", {}, `Courts on ${dayLabel(state.day)}`));
  const head = element("tr");
  head.append(element("th", { scope: "col" }, "Time"));
  for (const court of facility.courts) head.append(element("th", { scope: "col" }, court));
  const thead = element("thead");
  thead.append(head);
  table.append(thead);
  const body = element("tbody");
  for (const time of starts()) {
    const row = element("tr");
    row.append(element("th", { scope: "row" }, time));
    for (const court of facility.courts) {
      const cell = element("td");
      const mine = yoursAt(court, time);
      const free = byCell.get(`${court}|${time}`);
      const where = { "data-court": court, "data-time": time };
      if (mine) {
        cell.append(element("span", { class: "cell yours", "data-cell": "yours", "data-booking-id": mine.booking_id, ...where }, "Yours"));
      } else if (free) {
        const action = state.moving ? "move here" : "book";
        const button = element(
          "button",
          { type: "button", class: "cell free", "data-slot-id": free.slot_id, ...where, "aria-label": `${court} ${time}, free: ${action}` },
          "Free",
        );
        cell.append(button);
      } else if (state.day < today || (state.day === today && minutesOf(time) <= now)) {
        cell.append(element("span", { class: "cell past", "data-cell": "past", ...where }, "Past"));
      } else {
        cell.append(element("span", { class: "cell taken", "data-cell": "taken", ...where }, "Taken"));
      }
      row.append(cell);
    }
    body.append(row);
  }
  table.append(body);
  $("#grid").replaceChildren(table);
}

async function loadGrid(alsoWaitFor = null) {
  if (!state.identity.signedIn()) return;
  const generation = ++state.generation;
  const grid = $("#grid");
  grid.setAttribute("aria-busy", "true");
  const facility = state.settings.facility;
  const length = state.moving ? state.moving.duration_minutes : facility.slot_minutes;
  const query = new URLSearchParams({ date: state.day });
  if (length !== facility.slot_minutes) query.set("duration_minutes", String(length));
  try {
    const [free] = await Promise.all([state.api.request("GET", `availability?${query}`), alsoWaitFor]);
    if (!free || !Array.isArray(free.slots)) throw new ApiError(WORDS.unexpected(200), 200);
    if (generation !== state.generation) return;
    state.slots = new Map(free.slots.filter((s) => s.date === state.day).map((s) => [s.slot_id, s]));
    state.slotsDay = state.day;
    renderGrid();
  } catch (failure) {
    if (generation === state.generation) warn(describe(failure));
  } finally {
    if (generation === state.generation) grid.removeAttribute("aria-busy");
  }
}

async function onFreeCell(button) {
  if (needsName()) return;
  const slot = state.slots.get(button.dataset.slotId);
  if (!slot) return;
  if (state.moving) {
    await moveTo(button, slot);
    return;
  }
  const end = hhmm(minutesOf(slot.time) + slot.duration_minutes);
  const yes = await confirmWith(`Book ${slot.court}, ${dayLabel(slot.date)} ${slot.time}-${end}?`, "Book", "Not now");
  if (!yes) return;
  say(`Booking ${slot.court} ${slot.time}…`);
  const booked = await busy(
    [button],
    () => state.api.request("POST", "bookings", { body: { slot_id: slot.slot_id }, key: crypto.randomUUID() }),
    slotGone,
  );
  if (!booked) return;
  say(typeof booked.message === "string" && booked.message ? booked.message : `Booked ${bookingSummary(booked)}.`);
  await refresh();
}

// Someone else took the slot between showing it and tapping it: say so, and show the grid as it is now.
function slotGone(failure) {
  if (!(failure instanceof ApiError) || failure.code !== "SLOT_TAKEN") return;
  warn(`${failure.message} Someone has just taken it; the grid now shows what is free.`);
  loadGrid();
}

// --- moving a booking ---------------------------------------------------------------------
function startMoving(booking) {
  state.moving = booking;
  $("#move-text").textContent = `Moving ${booking.court} ${dayLabel(booking.date)} ${booking.time}: pick a free time on the grid`;
  $("#move-banner").hidden = false;
  if (state.days.includes(booking.date)) setDay(booking.date, { load: false });
  loadGrid().then(() => {
    const first = $("#grid button[data-slot-id]");
    (first || $("#grid")).focus();
  });
}

function stopMoving({ quiet = false } = {}) {
  const was = state.moving;
  if (!was) return;
  state.moving = null;
  $("#move-banner").hidden = true;
  if (quiet) return;
  loadGrid();
  const back = $(`#my-bookings li[data-booking-id="${CSS.escape(was.booking_id)}"] [data-action="move"]`);
  if (back) back.focus();
}

async function moveTo(button, slot) {
  const booking = state.moving;
  const day = slot.date === booking.date ? "" : ` on ${dayLabel(slot.date)}`;
  const yes = await confirmWith(`Move to ${slot.court} ${slot.time}${day}?`, "Move", "Not now");
  if (!yes) return;
  say(`Moving to ${slot.court} ${slot.time}…`);
  const path = `bookings/${encodeURIComponent(booking.booking_id)}`;
  const body = { slot_id: slot.slot_id, duration_minutes: booking.duration_minutes };
  const moved = await busy([button], () => state.api.request("PATCH", path, { body }), slotGone);
  if (!moved) return;
  state.moving = null;
  $("#move-banner").hidden = true;
  say(typeof moved.message === "string" && moved.message ? moved.message : `Moved to ${bookingSummary(moved)}.`);
  await refresh();
}

// --- my bookings --------------------------------------------------------------------------
function renderBookings() {
  const list = $("#my-bookings");
  if (!state.bookings.length) {
    list.replaceChildren(element("li", { class: "empty" }, "No upcoming bookings."));
    return;
  }
  list.replaceChildren(
    ...state.bookings.map((booking) => {
      const item = element("li", { "data-booking-id": booking.booking_id });
      const summaryId = `booking-${booking.booking_id}`;
      item.append(element("span", { class: "summary", id: summaryId }, bookingSummary(booking)));
      const actions = element("div", { class: "actions" });
      for (const [action, label] of [["cancel", "Cancel"], ["move", "Move"], ["calendar", "Add to calendar"]]) {
        actions.append(element("button", { type: "button", "data-action": action, "aria-describedby": summaryId }, label));
      }
      item.append(actions);
      return item;
    }),
  );
}

async function loadBookings() {
  const list = $("#my-bookings");
  if (state.identity.mode === "none" && !state.identity.demoName()) {
    state.bookingsGeneration += 1;
    state.bookings = [];
    list.replaceChildren(element("li", { class: "empty" }, "Enter your name to see your bookings."));
    return;
  }
  // Only the latest answer counts: one for an earlier name (or an earlier refresh) may arrive last.
  const generation = ++state.bookingsGeneration;
  const answer = await state.api.request("GET", "bookings");
  if (generation !== state.bookingsGeneration) return;
  if (!answer || !Array.isArray(answer.bookings)) throw new ApiError(WORDS.unexpected(200), 200);
  state.bookings = answer.bookings.filter((b) => b.status !== "cancelled");
  renderBookings();
  // The grid marks the caller's own cells: draw it again if it was drawn before these arrived.
  if (state.slotsDay === state.day) renderGrid();
}

function findBooking(button) {
  const id = button.closest("li[data-booking-id]").dataset.bookingId;
  return state.bookings.find((b) => b.booking_id === id);
}

async function onBookingAction(button) {
  const booking = findBooking(button);
  if (!booking) return;
  const action = button.dataset.action;
  const path = `bookings/${encodeURIComponent(booking.booking_id)}`;
  if (action === "move") {
    startMoving(booking);
  } else if (action === "cancel") {
    const yes = await confirmWith(`Cancel ${bookingSummary(booking)}?`, "Cancel booking", "Keep it", { focus: "no" });
    if (!yes) return;
    const cancelled = await busy([button], () => state.api.request("DELETE", path));
    if (!cancelled) return;
    if (state.moving && state.moving.booking_id === booking.booking_id) stopMoving({ quiet: true });
    say(typeof cancelled.message === "string" && cancelled.message ? cancelled.message : `Cancelled ${bookingSummary(booking)}.`);
    await refresh();
    if (!document.activeElement || document.activeElement === document.body) $("#my-bookings").focus();
  } else if (action === "calendar") {
    const file = await busy([button], () => state.api.request("GET", `${path}/calendar`, { as: "blob" }));
    if (!file) return;
    const name = `court-booking-${booking.booking_id}.ics`;
    const url = URL.createObjectURL(file);
    const link = element("a", { href: url, download: name, class: "hidden-link" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say(`Saved ${name}: open it to add the booking to your calendar.`);
  }
}

// --- refreshing everything ----------------------------------------------------------------
// Both at once; the grid is drawn when both are in, since it marks the caller's own bookings.
async function refresh() {
  if (!state.identity.signedIn()) return;
  const bookings = loadBookings().catch((failure) => warn(describe(failure)));
  await loadGrid(bookings);
}

// --- start --------------------------------------------------------------------------------
function wire() {
  $('[data-action="sign-in"]').addEventListener("click", (event) =>
    busy([event.currentTarget], () => state.identity.startSignIn()),
  );
  $('[data-action="sign-out"]').addEventListener("click", () => state.identity.signOut());
  $("#chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendChat($("#message").value);
  });
  $("#day").addEventListener("change", (event) => setDay(event.target.value));
  for (const [action, step] of [["previous-day", -1], ["next-day", 1]]) {
    $(`[data-action="${action}"]`).addEventListener("click", () => {
      const index = state.days.indexOf(state.day) + step;
      if (index >= 0 && index < state.days.length) setDay(state.days[index]);
    });
  }
  $("#grid").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-slot-id]");
    if (button) onFreeCell(button);
  });
  $("#my-bookings").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) onBookingAction(button);
  });
  $('[data-action="stop-move"]').addEventListener("click", () => stopMoving());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.moving && !$("#confirm").open) stopMoving();
  });
}

async function start() {
  wire();
  try {
    state.settings = await fetchJson("app/config.json");
    state.loadedAt = Date.now();
  } catch (failure) {
    $("#who").textContent = "";
    warn(`The page could not load its settings: ${describe(failure)}`);
    setSignedIn(false);
    return;
  }
  const identity = new Identity(state.settings);
  state.identity = identity;
  state.api = createApi({ identity, onWait: say, onExpired: showIdentity });
  if (identity.mode === "none") {
    // Demo mode only: a name to type (with sign-in on, the token says who, and there is no such field).
    $("#demo-slot").replaceWith($("#demo-template").content.cloneNode(true));
    $("#demo-form").addEventListener("submit", onNameChosen);
    $("#user").addEventListener("change", onNameChosen);
    identity.nameField = $("#user");
    identity.nameField.value = identity.storedName();
  } else {
    const problem = await identity.finishSignIn(postForm);
    if (problem) warn(problem);
    else if (identity.hasExpiredToken()) {
      identity.forgetTokens();
      warn(WORDS.expired);
    }
  }
  fillDays();
  showIdentity();
  if (identity.signedIn()) await refresh();
}

start();
