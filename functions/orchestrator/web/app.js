// The page people book from: a chat, a day grid of the courts, and their bookings (docs/web.md).
// Every API call goes through api.request(); every text from the API is set as textContent.

import { ApiError, createApi, postForm, WORDS } from "./api.js";
import { Identity } from "./auth.js";
import { addDays, dayLabel, hhmm, isoWeekday, minutesOf } from "./dates.js";

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
const REFRESHING_STATUSES = new Set(["booked", "moved", "cancelled", "waitlisted", "series_booked", "series_cancelled"]);
// Answers whose slots are offers to take; a booked or moved answer's slot is what was just done.
const OFFERING_STATUSES = new Set(["alternatives", "available", "needs_input", "unavailable"]);
// The conversation kept over a reload (sessionStorage): its id and the last messages, for one identity.
const CHAT_KEY = "court-booking.chat";
const CHAT_KEPT = 30;
const CHAT_KINDS = new Set(["me", "answer", "error"]);
// A request that got no answer, or a gateway's 502/504, may still have been carried out.
const UNSURE_STATUSES = new Set([502, 504]);
const UNSURE = "It may or may not have gone through: My bookings shows what you hold now.";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

const state = {
  settings: null,
  identity: null,
  api: null,
  day: "",
  days: [],
  bookings: [],
  waitlist: [], // the caller's waitlist entries (GET /waitlist): waiting, claimed or expired
  series: [], // the caller's series (GET /series) with dates still to come
  slots: new Map(), // slot_id -> slot, of the grid's day
  slotsDay: "", // the day `slots` are of ("" while none are shown)
  gridFocus: null, // {court, time}: the grid's one tab stop
  bookingsGeneration: 0,
  moving: null, // the booking being moved
  conversationId: "",
  chat: [], // {kind: "me" | "answer" | "error", text, offers?: [label]}: what the chat log shows
  chatEpoch: 0, // grows when the chat is cleared: an answer for an earlier one is dropped
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
  if (text) status.replaceChildren(element("p", { class: "info" }, text));
  else status.replaceChildren();
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
    if (focusLost() && focused && focused.isConnected && !focused.disabled) focused.focus();
  }
}

function focusLost() {
  return !document.activeElement || document.activeElement === document.body;
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
function typedName() {
  const field = $("#user");
  return field ? field.value.trim() : "";
}

// A name typed but refused (the one in use stays): what is wrong with it, else "".
function refusedName() {
  const typed = typedName();
  return typed !== state.identity.storedName() ? Identity.nameProblem(typed) : "";
}

function needsName() {
  const { identity } = state;
  if (identity.mode !== "none") return false;
  const problem = refusedName();
  if (identity.storedName() && !problem) return false;
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
    const name = identity.storedName();
    const refused = Boolean(refusedName());
    $("#user").setAttribute("aria-invalid", String(refused));
    if (!name) who.textContent = refused ? "No name in use: the one typed was not taken" : "Demo mode: enter your name to book";
    else who.textContent = refused ? `Still booking as ${name}: the new name was not taken` : `Booking as ${name}`;
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

// Someone else is asking now (another name, or nobody after a sign-in expired): nothing of the
// earlier person's conversation stays on the page or in sessionStorage.
function identityChanged() {
  clearChat();
  stopMoving({ quiet: true });
  state.bookingsGeneration += 1; // the earlier person's list, even one still on its way, is not shown
  state.bookings = [];
  $("#my-bookings").replaceChildren();
  if (state.slotsDay === state.day) renderGrid();
  showIdentity();
}

function onNameChosen(event) {
  event.preventDefault();
  const { identity } = state;
  const name = typedName();
  const problem = Identity.nameProblem(name);
  if (problem) {
    showIdentity();
    warn(problem);
    return;
  }
  if (name === identity.storedName()) {
    showIdentity();
    if (event.type === "change") return;
  } else {
    identity.rememberName(name);
    identityChanged();
  }
  say(name ? `Booking as ${name}.` : "");
  refresh();
}

// --- chat ---------------------------------------------------------------------------------
function slotLabel(slot, manyDays) {
  return manyDays ? `${slot.court} ${dayLabel(slot.date)} ${slot.time}` : `${slot.court} ${slot.time}`;
}

function answerEntry(answer) {
  const entry = { kind: "answer", text: answer.response };
  const offered = OFFERING_STATUSES.has(answer.status) && Array.isArray(answer.slots);
  const slots = offered ? answer.slots.slice(0, ORDINALS.length) : [];
  if (slots.length) {
    const manyDays = new Set(slots.map((s) => s.date)).size > 1;
    entry.offers = slots.map((slot) => slotLabel(slot, manyDays));
  }
  return entry;
}

function chatNode(entry) {
  const item = element("div", { class: `chat-${entry.kind}` });
  if (entry.kind !== "answer") {
    item.textContent = entry.text;
    return item;
  }
  item.append(element("p", {}, entry.text));
  if (entry.offers) {
    const offers = element("div", { class: "offers", role: "group", "aria-label": "Offered times" });
    entry.offers.forEach((label, i) => {
      const button = element("button", { type: "button", "data-offer-index": i }, label);
      button.addEventListener("click", () => sendChat(`the ${ORDINALS[i]} one`));
      offers.append(button);
    });
    item.append(offers);
  }
  return item;
}

function addChat(entry) {
  state.chat = [...state.chat, entry].slice(-CHAT_KEPT);
  $("#chat-log").append(chatNode(entry));
  saveChat();
}

// The last messages (texts only) and the latest answer's offers, for this identity only.
function saveChat() {
  const owner = state.identity.key();
  if (!owner) return;
  const latest = state.chat.map((e) => e.kind).lastIndexOf("answer");
  const messages = state.chat.map((e, i) => (i === latest && e.offers ? e : { kind: e.kind, text: e.text }));
  try {
    sessionStorage.setItem(CHAT_KEY, JSON.stringify({ owner, conversation_id: state.conversationId, messages }));
  } catch {
    // A full or refused storage only costs the conversation after a reload.
  }
}

function restoreChat() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(CHAT_KEY) || "null");
  } catch {
    saved = null;
  }
  const owner = state.identity.key();
  if (!saved || !owner || saved.owner !== owner || !Array.isArray(saved.messages)) {
    clearChat();
    return;
  }
  const entries = saved.messages
    .filter((e) => e && CHAT_KINDS.has(e.kind) && typeof e.text === "string")
    .slice(-CHAT_KEPT)
    .map((e) => {
      const offers = Array.isArray(e.offers) ? e.offers.filter((o) => typeof o === "string") : [];
      return offers.length && e.kind === "answer" ? { kind: e.kind, text: e.text, offers } : { kind: e.kind, text: e.text };
    });
  state.conversationId = typeof saved.conversation_id === "string" ? saved.conversation_id : "";
  state.chat = entries;
  const log = $("#chat-log");
  log.replaceChildren(...entries.map(chatNode));
  log.scrollTop = log.scrollHeight;
}

function clearChat() {
  state.chatEpoch += 1;
  state.chat = [];
  state.conversationId = "";
  sessionStorage.removeItem(CHAT_KEY);
  $("#chat-log").replaceChildren();
  $("#chat-log").removeAttribute("aria-busy");
}

async function sendChat(text) {
  const message = text.trim();
  if (!message || needsName()) return;
  const epoch = state.chatEpoch;
  const log = $("#chat-log");
  const input = $("#message");
  const send = $('#chat-form button[type="submit"]');
  const earlier = $$("[data-offer-index]:not(:disabled)", log);
  for (const offer of earlier) offer.disabled = true; // once answered, earlier offers are stale
  addChat({ kind: "me", text: message });
  const waiting = element("div", { class: "chat-wait" }, "Thinking…");
  log.append(waiting);
  log.scrollTop = log.scrollHeight;
  log.setAttribute("aria-busy", "true");
  const sent = await busy([input, send], async () => {
    const body = { message };
    if (state.conversationId) body.conversation_id = state.conversationId;
    const answer = await state.api.request("POST", "chat", { body, key: crypto.randomUUID() });
    if (!answer || typeof answer.response !== "string" || typeof answer.status !== "string") {
      throw new ApiError(WORDS.unexpected(200), 200);
    }
    return answer;
  });
  waiting.remove();
  if (epoch !== state.chatEpoch) return; // someone else is asking now: not theirs to see
  log.removeAttribute("aria-busy");
  if (sent) {
    state.conversationId = typeof sent.conversation_id === "string" ? sent.conversation_id : "";
    addChat(answerEntry(sent));
    say("");
    if (input.value.trim() === message) input.value = "";
  } else {
    for (const offer of earlier) if (offer.isConnected) offer.disabled = false; // not answered: still open
    addChat({ kind: "error", text: $("#status").textContent || "No answer." });
  }
  log.scrollTop = log.scrollHeight;
  // A notice in the answer (a waitlist came through, a booking was cancelled by the club) changed the lists too.
  const noticed = sent && Array.isArray(sent.notices) && sent.notices.length > 0;
  if (sent && (REFRESHING_STATUSES.has(sent.status) || noticed)) {
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

// That day's hours, ["08:00", "20:00"], or null when the club is closed all day.
function hoursOn(day) {
  const facility = state.settings.facility;
  if (!facility.hours) return [facility.opening_time, facility.closing_time];
  return facility.hours[String(isoWeekday(day))] || null;
}

function starts(day) {
  const hours = hoursOn(day);
  if (!hours) return [];
  const [open, close] = hours.map(minutesOf);
  const step = state.settings.facility.slot_minutes;
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

// The grid's table of a day's hours (role=grid: one tab stop, arrow keys move); cellFor(court, time)
// draws a cell. A day the club is closed has no table: it says so.
function gridTable(day, caption, cellFor) {
  const times = starts(day);
  if (!times.length) return element("p", { class: "note", "data-grid": "closed" }, `Closed on ${dayLabel(day)}.`);
  const { courts } = state.settings.facility;
  const table = element("table", { class: "court-grid", role: "grid" });
  table.append(element("caption", {}, caption));
  const head = element("tr");
  head.append(element("th", { scope: "col" }, "Time"));
  for (const court of courts) head.append(element("th", { scope: "col" }, court));
  const thead = element("thead");
  thead.append(head);
  table.append(thead);
  const body = element("tbody");
  for (const time of times) {
    const row = element("tr");
    row.append(element("th", { scope: "row" }, time));
    for (const court of courts) {
      const cell = element("td");
      cell.append(cellFor(court, time));
      row.append(cell);
    }
    body.append(row);
  }
  table.append(body);
  return table;
}

// The grid shows `content`; focus that was in the grid stays there (on `focus`, else the grid).
function showInGrid(content, focus = null) {
  const grid = $("#grid");
  const had = grid.contains(document.activeElement);
  grid.replaceChildren(content);
  if (had) (focus || grid).focus();
}

function renderGrid() {
  const facility = state.settings.facility;
  const byCell = new Map();
  for (const slot of state.slots.values()) byCell.set(`${slot.court}|${slot.time}`, slot);
  const today = facility.today;
  const now = nowMinutes();
  const table = gridTable(state.day, `Courts on ${dayLabel(state.day)}`, (court, time) => {
    const mine = yoursAt(court, time);
    const free = byCell.get(`${court}|${time}`);
    const where = { "data-court": court, "data-time": time, tabindex: -1 };
    if (mine) {
      return element("span", { class: "cell yours", "data-cell": "yours", "data-booking-id": mine.booking_id, ...where }, "Yours");
    }
    if (free) {
      const action = state.moving ? "move here" : "book";
      const label = `${court} ${time}, free: ${action}`;
      return element("button", { type: "button", class: "cell free", "data-slot-id": free.slot_id, ...where, "aria-label": label }, "Free");
    }
    if (state.day < today || (state.day === today && minutesOf(time) <= now)) {
      return element("span", { class: "cell past", "data-cell": "past", ...where }, "Past");
    }
    return element("span", { class: "cell taken", "data-cell": "taken", ...where }, "Taken");
  });
  // The one tab stop: where it was (same court and time), else the first free cell, else the first.
  const cells = $$(".cell", table);
  const at = state.gridFocus;
  const stop =
    (at && cells.find((c) => c.dataset.court === at.court && c.dataset.time === at.time)) ||
    cells.find((c) => c.matches("button")) ||
    cells[0];
  if (stop) stop.tabIndex = 0;
  showInGrid(table, stop);
}

// A new day: the earlier day's cells go at once, so nothing of it can be taken for this one.
function showGridLoading(day) {
  state.slots = new Map();
  state.slotsDay = "";
  const table = gridTable(day, `Courts on ${dayLabel(day)}: loading…`, () =>
    element("span", { class: "cell loading", "data-cell": "loading" }, "…"),
  );
  showInGrid(table);
}

function showGridError(day, text) {
  state.slots = new Map();
  state.slotsDay = "";
  const box = element("div", { class: "grid-error" });
  box.append(element("p", { role: "alert" }, `The courts on ${dayLabel(day)} could not be shown: ${text}`));
  const retry = element("button", { type: "button", "data-action": "retry-grid" }, "Try again");
  box.append(retry);
  showInGrid(box, retry);
}

async function loadGrid(alsoWaitFor = null) {
  if (!state.identity.signedIn()) return;
  const generation = ++state.generation;
  const day = state.day;
  const grid = $("#grid");
  grid.setAttribute("aria-busy", "true");
  if (state.slotsDay !== day) showGridLoading(day);
  const facility = state.settings.facility;
  const length = state.moving ? state.moving.duration_minutes : facility.slot_minutes;
  const query = new URLSearchParams({ date: day });
  if (length !== facility.slot_minutes) query.set("duration_minutes", String(length));
  try {
    const ask = hoursOn(day) ? state.api.request("GET", `availability?${query}`) : { slots: [] }; // closed: none
    const [free] = await Promise.all([ask, alsoWaitFor]);
    if (!free || !Array.isArray(free.slots)) throw new ApiError(WORDS.unexpected(200), 200);
    if (generation !== state.generation) return;
    state.slots = new Map(free.slots.filter((s) => s.date === day).map((s) => [s.slot_id, s]));
    state.slotsDay = day;
    renderGrid();
  } catch (failure) {
    if (generation === state.generation) showGridError(day, describe(failure));
  } finally {
    if (generation === state.generation) grid.removeAttribute("aria-busy");
  }
}

// Roving tab stop: the focused cell is the grid's one tab stop.
function focusCell(cell) {
  for (const other of $$("#grid .cell[tabindex]")) other.tabIndex = other === cell ? 0 : -1;
  state.gridFocus = { court: cell.dataset.court, time: cell.dataset.time };
  cell.focus();
}

function onGridKey(event) {
  const cell = event.target.closest(".cell[tabindex]");
  if (!cell || event.altKey || event.metaKey) return;
  const rows = $$("#grid tbody tr").map((tr) => $$(".cell[tabindex]", tr));
  const r = rows.findIndex((row) => row.includes(cell));
  if (r < 0) return;
  const c = rows[r].indexOf(cell);
  const last = rows.length - 1;
  const moves = {
    ArrowUp: [r - 1, c],
    ArrowDown: [r + 1, c],
    ArrowLeft: [r, c - 1],
    ArrowRight: [r, c + 1],
    Home: event.ctrlKey ? [0, 0] : [r, 0],
    End: event.ctrlKey ? [last, rows[last].length - 1] : [r, rows[r].length - 1],
  };
  const move = moves[event.key];
  if (!move) return;
  event.preventDefault();
  const row = rows[Math.max(0, Math.min(last, move[0]))];
  focusCell(row[Math.max(0, Math.min(row.length - 1, move[1]))]);
}

// After booking or moving from the grid: the focus goes to the cell now the person's (or the message).
function focusOn(booking) {
  const active = document.activeElement;
  if (!focusLost() && !$("#grid").contains(active) && !$("#confirm").contains(active)) return;
  const cell =
    state.slotsDay === booking.date &&
    $(`#grid .cell[data-court="${CSS.escape(booking.court)}"][data-time="${CSS.escape(booking.time)}"]`);
  if (cell) focusCell(cell);
  else $("#status").focus();
}

async function onFreeCell(button) {
  if (needsName()) return;
  const slot = state.slots.get(button.dataset.slotId);
  if (!slot || slot.date !== state.slotsDay) return;
  if (state.moving) {
    await moveTo(button, slot);
    return;
  }
  const what = `${slot.court}, ${dayLabel(slot.date)} ${slot.time}-${hhmm(minutesOf(slot.time) + slot.duration_minutes)}`;
  const yes = await confirmWith(`Book ${what}?`, "Book", "Not now");
  if (!yes) return;
  say(`Booking ${what}…`);
  const booked = await busy(
    [button],
    () => state.api.request("POST", "bookings", { body: { slot_id: slot.slot_id }, key: crypto.randomUUID() }),
    afterFailure,
  );
  if (!booked) return;
  await done(booked, `Booked ${bookingSummary(booked)}.`);
  focusOn(booked);
}

// A change went through: shown at once from its answer, then everything is asked again; the
// success stays the message even when that refresh fails.
// A moved or cancelled booking's calendar event is out of date: `invite` offers its new file.
async function done(booking, fallback, { gone = false, invite = false } = {}) {
  remember(booking, gone);
  const text = typeof booking.message === "string" && booking.message ? booking.message : fallback;
  say(text);
  const problem = await refresh({ report: false });
  say(problem ? `${text} (The list could not be refreshed: ${problem})` : text);
  if (invite) {
    const update = element("button", { type: "button", "data-action": "update-calendar" }, "Update your calendar");
    update.addEventListener("click", () => saveInvite(booking.booking_id, update));
    $("#status").append(update);
  }
}

// The booking's calendar file (METHOD:CANCEL once cancelled), saved as court-booking-<id>.ics.
async function saveInvite(bookingId, button) {
  const path = `bookings/${encodeURIComponent(bookingId)}/calendar`;
  const file = await busy([button], () => state.api.request("GET", path, { as: "blob" }));
  if (!file) return;
  const name = `court-booking-${bookingId}.ics`;
  const url = URL.createObjectURL(file);
  const link = element("a", { href: url, download: name, class: "hidden-link" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(`Saved ${name}: open it to update your calendar.`);
}

// What a failed booking, move or cancel also means: someone else was quicker, or it may have worked.
function afterFailure(failure) {
  if (!(failure instanceof ApiError)) return;
  if (failure.code === "SLOT_TAKEN") {
    warn(`${failure.message} Someone has just taken it; the grid now shows what is free.`);
    loadGrid();
  } else if (failure.code === "TIMEOUT" || UNSURE_STATUSES.has(failure.status)) {
    const text = `${failure.message} ${UNSURE}`;
    warn(text);
    stopMoving({ quiet: true });
    refresh({ report: false }).then((problem) => {
      if (problem) warn(`${text} (The list could not be refreshed: ${problem})`);
    });
  }
}

// --- moving a booking ---------------------------------------------------------------------
function startMoving(booking) {
  state.moving = booking;
  $("#move-text").textContent = `Moving ${booking.court} ${dayLabel(booking.date)} ${booking.time}: pick a free time on the grid`;
  $("#move-banner").hidden = false;
  if (state.days.includes(booking.date)) setDay(booking.date, { load: false });
  state.slotsDay = ""; // the free times depend on the booking's length: draw them afresh
  loadGrid().then(() => {
    const first = $("#grid button[data-slot-id]");
    if (first) focusCell(first);
    else $("#grid").focus();
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
  const end = hhmm(minutesOf(slot.time) + booking.duration_minutes);
  const where = `${slot.court}, ${dayLabel(slot.date)} ${slot.time}-${end}`;
  const yes = await confirmWith(`Move ${bookingSummary(booking)} to ${where}?`, "Move", "Not now");
  if (!yes) return;
  say(`Moving to ${where}…`);
  const path = `bookings/${encodeURIComponent(booking.booking_id)}`;
  const body = { slot_id: slot.slot_id, duration_minutes: booking.duration_minutes };
  const moved = await busy([button], () => state.api.request("PATCH", path, { body }), afterFailure);
  if (!moved) return;
  state.moving = null;
  $("#move-banner").hidden = true;
  await done(moved, `Moved to ${bookingSummary(moved)}.`, { invite: true });
  focusOn(moved);
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

// A booking as an answer just said it is (gone: cancelled), before the list is asked again.
function remember(booking, gone = false) {
  if (!booking || typeof booking.booking_id !== "string" || typeof booking.date !== "string") return;
  state.bookingsGeneration += 1; // an earlier answer still on its way would undo this
  state.bookings = state.bookings.filter((b) => b.booking_id !== booking.booking_id);
  if (!gone) {
    state.bookings.push(booking);
    state.bookings.sort((a, b) => `${a.date} ${a.time}`.localeCompare(`${b.date} ${b.time}`));
  }
  renderBookings();
  if (state.slotsDay === state.day) renderGrid();
}

async function loadBookings() {
  const list = $("#my-bookings");
  if (state.identity.mode === "none" && !state.identity.storedName()) {
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
  state.bookings = answer.bookings; // upcoming only: a cancelled booking is never in the list
  renderBookings();
  // The grid marks the caller's own cells: draw it again if it was drawn before these arrived.
  if (state.slotsDay === state.day) renderGrid();
}

// --- waitlists ----------------------------------------------------------------------------
const WAIT_STATUS = { waiting: "waiting", claimed: "came through", expired: "expired" };

function waitSummary(entry) {
  const said = `${entry.court || "Any court"}, ${dayLabel(entry.date)} ${entry.time}: ${WAIT_STATUS[entry.status] || entry.status}`;
  return entry.status === "claimed" && entry.claimed_court ? `${said}, ${entry.claimed_court} is yours` : said;
}

// The badge on My bookings: what came through first (it is news), else how many are waiting.
function renderWaitlist() {
  const entries = state.waitlist;
  const through = entries.filter((e) => e.status === "claimed").length;
  const waiting = entries.filter((e) => e.status === "waiting").length;
  const badge = $("#waitlist-badge");
  badge.hidden = !(through || waiting);
  badge.textContent = through ? `${through} came through` : `${waiting} waiting`;
  const list = $("#my-waitlist");
  $("#waitlist-title").hidden = list.hidden = !entries.length;
  list.replaceChildren(
    ...entries.map((entry) => {
      const item = element("li", { "data-entry-id": entry.entry_id, "data-status": entry.status });
      const summaryId = `entry-${entry.entry_id}`;
      item.append(element("span", { class: "summary", id: summaryId }, waitSummary(entry)));
      const actions = element("div", { class: "actions" });
      actions.append(element("button", { type: "button", "data-action": "leave", "aria-describedby": summaryId }, "Leave"));
      item.append(actions);
      return item;
    }),
  );
}

// A list shown under My bookings (GET `path`, its `field`), kept in state[key] and drawn by `render`.
async function loadBeside(path, field, key, render) {
  if (state.identity.mode === "none" && !state.identity.storedName()) {
    state[key] = [];
    render();
    return;
  }
  const generation = state.bookingsGeneration; // as My bookings: an answer for an earlier name is dropped
  const answer = await state.api.request("GET", path);
  if (generation !== state.bookingsGeneration) return;
  if (!answer || !Array.isArray(answer[field])) throw new ApiError(WORDS.unexpected(200), 200);
  state[key] = answer[field];
  render();
}

const loadWaitlist = () => loadBeside("waitlist", "entries", "waitlist", renderWaitlist);

// --- series -------------------------------------------------------------------------------
// A series with a date still booked: its name and span, what its dates are, and Cancel series.
function seriesSummary(series) {
  const counts = {};
  for (const date of series.occurrences) counts[date.status] = (counts[date.status] || 0) + 1;
  const said = Object.entries(counts).map(([status, n]) => `${n} ${status.replace("_", " ")}`);
  const days = series.weekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(" and ");
  const every = series.every_weeks === 2 ? "Every other" : "Every";
  return `${every} ${days} at ${series.time}, ${dayLabel(series.first)} to ${dayLabel(series.last)}: ${said.join(", ")}`;
}

function renderSeries() {
  const live = state.series.filter((s) => !s.cancelled_at && s.occurrences.some((o) => o.status === "booked"));
  const list = $("#my-series");
  $("#series-title").hidden = list.hidden = !live.length;
  list.replaceChildren(
    ...live.map((series) => {
      const item = element("li", { "data-series-id": series.series_id });
      const summaryId = `series-${series.series_id}`;
      item.append(element("span", { class: "summary", id: summaryId }, seriesSummary(series)));
      const actions = element("div", { class: "actions" });
      const label = "Cancel series";
      actions.append(element("button", { type: "button", "data-action": "cancel-series", "aria-describedby": summaryId }, label));
      item.append(actions);
      return item;
    }),
  );
}

const loadSeries = () => loadBeside("series", "series", "series", renderSeries);

async function onCancelSeries(button) {
  const id = button.closest("li[data-series-id]").dataset.seriesId;
  const series = state.series.find((s) => s.series_id === id);
  if (!series) return;
  const yes = await confirmWith(`Cancel every date to come of ${seriesSummary(series)}?`, "Cancel series", "Keep it", {
    focus: "no",
  });
  if (!yes) return;
  const cancelled = await busy([button], () => state.api.request("DELETE", `series/${encodeURIComponent(id)}`), afterFailure);
  if (!cancelled) return;
  say(`Cancelled the series: ${seriesSummary(cancelled)}.`);
  await refresh({ report: false });
}

async function onLeave(button) {
  const id = button.closest("li[data-entry-id]").dataset.entryId;
  const entry = state.waitlist.find((e) => e.entry_id === id);
  if (!entry) return;
  const left = await busy([button], () => state.api.request("DELETE", `waitlist/${encodeURIComponent(id)}`), afterFailure);
  if (!left) return;
  say(typeof left.message === "string" ? left.message : `Left the waitlist for ${entry.time}.`);
  state.waitlist = state.waitlist.filter((e) => e.entry_id !== id);
  renderWaitlist();
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
    const cancelled = await busy([button], () => state.api.request("DELETE", path), afterFailure);
    if (!cancelled) return;
    if (state.moving && state.moving.booking_id === booking.booking_id) stopMoving({ quiet: true });
    await done({ ...booking, ...cancelled }, `Cancelled ${bookingSummary(booking)}.`, { gone: true, invite: true });
    if (focusLost()) $("#my-bookings").focus();
  } else if (action === "calendar") {
    await saveInvite(booking.booking_id, button);
  }
}

// --- refreshing everything ----------------------------------------------------------------
// Both at once; the grid is drawn when both are in, since it marks the caller's own bookings.
// Answers why My bookings could not be loaded ("" when it was), shown unless report is false.
async function refresh({ report = true } = {}) {
  if (!state.identity.signedIn()) return "";
  let problem = "";
  const bookings = Promise.all([loadBookings(), loadWaitlist(), loadSeries()]).catch((failure) => {
    problem = describe(failure);
  });
  await loadGrid(bookings);
  if (problem && report) warn(problem);
  return problem;
}

// --- start --------------------------------------------------------------------------------
function wire() {
  $('[data-action="sign-in"]').addEventListener("click", (event) =>
    busy([event.currentTarget], () => state.identity.startSignIn()),
  );
  $('[data-action="sign-out"]').addEventListener("click", () => {
    clearChat();
    state.identity.signOut();
  });
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
  const grid = $("#grid");
  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-slot-id]");
    if (button) onFreeCell(button);
    else if (event.target.closest('[data-action="retry-grid"]')) refresh();
  });
  grid.addEventListener("keydown", onGridKey);
  grid.addEventListener("focusin", (event) => {
    const cell = event.target.closest(".cell[tabindex]");
    if (cell && cell.tabIndex !== 0) focusCell(cell);
  });
  $("#my-bookings").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) onBookingAction(button);
  });
  $("#my-waitlist").addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="leave"]');
    if (button) onLeave(button);
  });
  $("#my-series").addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="cancel-series"]');
    if (button) onCancelSeries(button);
  });
  $('[data-action="stop-move"]').addEventListener("click", () => stopMoving());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.moving && !$("#confirm").open) stopMoving();
  });
}

async function loadSettings() {
  // The same request as every API call (one polite retry of a 503 with Retry-After), with no identity yet.
  const settings = await createApi({ onWait: say }).request("GET", "app/config.json");
  if (!settings || typeof settings.facility !== "object" || !settings.facility) {
    throw new ApiError(WORDS.unexpected(200), 200);
  }
  return settings;
}

async function start() {
  wire();
  try {
    state.settings = await loadSettings();
    state.loadedAt = Date.now();
    say("");
  } catch (failure) {
    $("#who").textContent = "";
    warn(`The page could not load its settings: ${describe(failure)}`);
    setSignedIn(false);
    return;
  }
  const identity = new Identity(state.settings);
  state.identity = identity;
  state.api = createApi({ identity, onWait: say, onExpired: identityChanged });
  if (identity.mode === "none") {
    // Demo mode only: a name to type (with sign-in on, the token says who, and there is no such field).
    $("#demo-slot").replaceWith($("#demo-template").content.cloneNode(true));
    $("#demo-form").addEventListener("submit", onNameChosen);
    $("#user").addEventListener("change", onNameChosen);
    $("#user").value = identity.storedName();
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
  restoreChat();
  if (identity.signedIn()) await refresh();
}

start();
