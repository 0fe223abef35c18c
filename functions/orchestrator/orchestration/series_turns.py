"""The chat's recurring bookings: "every Tuesday at 7pm for 6 weeks" shows every date first; "book them" (or
"book them all or none") books the series just shown; "cancel my Tuesday series" and "skip next Tuesday".

What a message leaves out comes from the series just shown ("for 8 weeks" after one), else from the day, time
and court under discussion ("same time every week for a month" after a booking). A series said with a part of
the day ("every weekday morning next week") is shown at the start in that window free on most of its dates.
Without an end it is four weeks, and the answer says so. Nothing is booked before the dates are shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from courtbooking import words
from courtbooking.config import Facility
from courtbooking.contracts import Series
from courtbooking.models import ErrorCode, SeriesAsk, SeriesSpec, TimeWindow
from courtbooking.schedule import Schedule, fits

from . import replies
from .rules import Rules
from .services import Refused, Services

if TYPE_CHECKING:
    from .workflow import Turn, _Ask

MAX_STARTS_TRIED = 4  # a window's starts previewed to choose one ("every weekday morning")


class SeriesTurns:
    """ChatWorkflow's series answers (a mixin: it uses the workflow's services, facility, rules and `_say`)."""

    _services: Services
    _facility: Facility
    _rules: Rules

    def _series(self, ask: _Ask) -> Turn:
        step = ask.intent.series.step if ask.intent.series is not None else "preview"
        ask.focus["action"] = None  # a series is not a booking under way: "what about Friday?" next only asks
        if step == "book":
            return self._book_series(ask)
        if step == "cancel":
            return self._cancel_series(ask)
        if step == "skip":
            return self._skip_series_date(ask)
        return self._preview_series(ask)

    def _preview_series(self, ask: _Ask) -> Turn:
        spec, window, default_end = self._series_asked(ask)
        if isinstance(spec, str):
            return self._say(ask, "needs_input", spec)
        try:
            shown = self._preview_best(ask.user_id, spec, window, self._rules.today(ask.now))
        except Refused as refusal:
            if refusal.code == ErrorCode.SERVICE_UNAVAILABLE:
                raise
            return self._say(ask, "unavailable", refusal.message)
        free = sum(o.status == "free" for o in shown.occurrences)
        spec = spec.model_copy(update={"time": shown.time})
        text = f"{shown.message}\n{replies.series_offer(free, len(shown.occurrences), default_end)}"
        turn = self._say(ask, "series_preview", text, pending="series" if free else None, series=spec if free else None)
        turn.answer.series = shown
        return turn

    def _preview_best(self, user_id: str, spec: SeriesSpec, window: TimeWindow | None, today: dt.date) -> Series:
        """The preview at the time asked; with a part of the day, at its start free on most dates (the first)."""
        if window is None:
            return self._services.preview_series(user_id, spec)
        schedule = Schedule(self._facility)
        duration = spec.duration_minutes or self._facility.slot_minutes
        first = spec.first or today
        day = next(
            first + dt.timedelta(days=n)
            for n in range(7)
            if (first + dt.timedelta(days=n)).isoweekday() in spec.weekdays
        )
        starts = [t for t in schedule.grid(duration, day) if fits(t, duration, window)][:MAX_STARTS_TRIED]
        best: Series | None = None
        for start in starts or [window.start]:
            shown = self._services.preview_series(user_id, spec.model_copy(update={"time": start}))
            free = sum(o.status == "free" for o in shown.occurrences)
            if best is None or free > sum(o.status == "free" for o in best.occurrences):
                best = shown
            if free == len(shown.occurrences):
                break
        assert best is not None
        return best

    def _series_asked(self, ask: _Ask) -> tuple[SeriesSpec | str, TimeWindow | None, bool]:
        """The series a message asks for (else the question to ask), the part of the day said without a time,
        and whether its end was left out (then it is DEFAULT_SERIES_WEEKS)."""
        intent, context = ask.intent, ask.context
        said = intent.series or SeriesAsk()
        shown = context.series if context.pending == "series" else None
        if said.weekdays:
            weekdays, time, court = said.weekdays, intent.time, intent.court
        elif shown is not None:  # "for 8 weeks", "at 8pm instead" after a series was shown
            weekdays, time, court = shown.weekdays, intent.time or shown.time, intent.court or shown.court
        else:  # "same time every week for a month": the day, time and court under discussion
            day = intent.date or context.date
            weekdays = [day.isoweekday()] if day else []
            time, court = intent.time or context.time, intent.court or context.court
        if not weekdays:
            return replies.SERIES_WHICH_DAYS, None, False
        window = intent.window if time is None else None
        if time is None and window is None:
            return replies.SERIES_WHAT_TIME, None, False
        weeks, until = (None, said.until) if said.until is not None else (said.weeks, None)  # one end: "until" wins
        if weeks is None and until is None and shown is not None:
            weeks, until = shown.weeks, shown.until
        default_end = weeks is None and until is None
        first = said.first or (shown.first if shown is not None and not said.weekdays else None)
        duration = intent.duration_minutes or (shown.duration_minutes if shown else None) or context.duration_minutes
        every = said.every_weeks or (shown.every_weeks if shown is not None and not said.weekdays else 1)
        spec = SeriesSpec(
            weekdays=weekdays,
            every_weeks=every,
            time=time or (window.start if window else ""),
            court=court,
            duration_minutes=duration,
            first=first,
            weeks=replies.DEFAULT_SERIES_WEEKS if default_end else weeks,
            until=until,
        )
        return spec, window, default_end

    def _book_series(self, ask: _Ask) -> Turn:
        spec = ask.context.series if ask.context.pending == "series" else None
        if spec is None:
            return self._say(ask, "needs_input", replies.SERIES_NOTHING_SHOWN)
        all_or_none = ask.intent.series is not None and ask.intent.series.all_or_none
        if spec.first is not None and spec.first < self._rules.today(ask.now):  # shown on an earlier day
            spec = spec.model_copy(update={"first": None})
        try:
            report = self._services.book_series(ask.user_id, spec, all_or_none, idempotency_key=ask.idempotency_key)
        except Refused as refusal:
            if refusal.code == ErrorCode.SERVICE_UNAVAILABLE:
                raise
            # refused whole (all or none): the series stays shown, so "book them" still books the free ones
            if not all_or_none:
                return self._say(ask, "unavailable", refusal.message)
            text = f"{refusal.message} {replies.SERIES_FREE_ONES}"
            return self._say(ask, "unavailable", text, pending="series", series=spec)
        turn = self._say(ask, "series_booked", report.message)
        turn.answer.series = report
        return turn

    def _cancel_series(self, ask: _Ask) -> Turn:
        said = ask.intent.series or SeriesAsk()
        mine = self._services.series_list(ask.user_id).series
        live = [s for s in mine if s.cancelled_at is None and any(o.status == "booked" for o in s.occurrences)]
        if said.weekdays:
            live = [s for s in live if set(said.weekdays) & set(s.weekdays)]
        if not live:
            return self._say(ask, "needs_input", replies.no_series(said.weekdays))
        if len(live) > 1:
            names = [
                f"{words.series_name(s.weekdays, s.time, s.every_weeks)} {words.series_span(s.first, s.last)}"
                for s in live
            ]
            return self._say(ask, "needs_input", replies.which_series(names))
        assert live[0].series_id is not None
        cancelled = self._services.cancel_series(ask.user_id, live[0].series_id)
        turn = self._say(ask, "series_cancelled", cancelled.message, clear_booking=True)
        turn.answer.series = cancelled
        return turn

    def _skip_series_date(self, ask: _Ask) -> Turn:
        date = ask.intent.date
        if date is None:
            return self._say(ask, "needs_input", replies.SERIES_SKIP_WHEN)
        mine = self._services.series_list(ask.user_id).series
        found = next(
            (s for s in mine if any(o.date == date and o.status == "booked" for o in s.occurrences)),
            None,
        )
        if found is None or found.series_id is None:
            return self._say(ask, "needs_input", replies.no_series_on(date))
        try:
            series = self._services.cancel_series(ask.user_id, found.series_id, date)
        except Refused as refusal:
            if refusal.code == ErrorCode.SERVICE_UNAVAILABLE:
                raise
            return self._say(ask, "unavailable", refusal.message)
        skipped = next(o for o in series.occurrences if o.date == date)
        if skipped.status != "cancelled":  # inside the cut-off: it stays, and the rule is said
            return self._say(ask, "unavailable", skipped.message)
        turn = self._say(ask, "series_cancelled", replies.skipped(date, series.message), clear_booking=True)
        turn.answer.series = series
        return turn
