// Dates as the facility's "YYYY-MM-DD" strings and times as "HH:MM": the arithmetic is done in UTC on
// the strings themselves, so the browser's own time zone (and its daylight saving) never moves a day.

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_MS = 86400000;

function utc(day) {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date));
}

export function addDays(day, count) {
  return new Date(utc(day).getTime() + count * DAY_MS).toISOString().slice(0, 10);
}

// 1 Monday ... 7 Sunday (ISO), as the configuration's "hours" are keyed
export function isoWeekday(day) {
  return utc(day).getUTCDay() || 7;
}

// "Wed 2 Dec"
export function dayLabel(day) {
  const d = utc(day);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

export function minutesOf(time) {
  const [hours, minutes] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

export function hhmm(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
