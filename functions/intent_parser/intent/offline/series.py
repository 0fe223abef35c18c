"""Recurring bookings in plain words: which weekdays, from when, for how long; and what to do with a series.

    "every Tuesday at 7pm for 6 weeks"            weekdays [2], weeks 6 (from today)
    "Tuesdays and Thursdays at 6 until Christmas" weekdays [2, 4], until 24 December (the day before)
    "every weekday morning next week"             weekdays 1-5, next Monday to Sunday (the morning: a window)
    "same time every week for a month"            weeks 4; the day, time and court: the conversation's
    "book them", "book them all or none"          after a series was shown (the context's pending "series")
    "cancel my Tuesday series"                    step cancel, weekdays [2]
    "skip next Tuesday"                           step skip (the day is the message's date)

A series is said by its recurrence: "every"/"each" before a weekday, "week", "weekday" or "day", a weekday in
the plural as written ("Tuesdays"), "weekly" or "daily". The span is "for N weeks" (a month is 4 weeks), "until"
a day, "next week" or "this week"; "from"/"starting" a day is its first. What is left of the message (its time,
court and length) is read as any message is; the recurrence and the span are taken out of it first, so
"Tuesday" is not read as next Tuesday's date and "for 6 weeks" not as a length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from courtbooking.models import MAX_SERIES_WEEKS, ConversationContext, SeriesAsk

from .normalise import ANY_MONTH, ANY_WEEKDAY, MONTH_INDEX, WEEKDAY_INDEX

_PLURAL_DAY = re.compile(r"\b(?:mon|tues?|wednes|weds|thurs?|fri|satur|sun)days\b", re.IGNORECASE)
_EVERY = re.compile(
    rf"\b(?:every|each)\s+(?:single\s+)?(?:(?:other\s+)?(?:week(?:day)?s?|day|weekend|{ANY_WEEKDAY}))\b"
)
# Weaker: "weekly", "daily", "weekdays", "Tuesdays" are a series only beside a booking, a time or a span
# ("what are your hours on weekdays?" is not one).
_WEAK = re.compile(r"\b(?:weekly|daily|weekdays)\b")
_BOOKISH = re.compile(r"\b(?:book|reserve|until|till)\b|\bat\s+\d|\d\s*(?:am|pm)\b|\bfor\s+\w+\s+(?:weeks?|months?)\b")
# Cancelling a series: the verb aimed at the series itself ("cancel my Tuesday series", "stop the recurring
# booking"); never "until the end of ...", nor "a recurring booking every Tuesday" (that asks for one).
_SERIES_NOUN = r"(?:series|recurring\s+(?:bookings?|games?|slots?)|regular\s+(?:bookings?|slots?|games?))"
_CANCEL_SERIES = re.compile(
    r"\b(?:cancel\w*|stop|delete|remove|scrap|drop|call\s+off)\s+(?:(?:my|the|our|this|that|whole|entire|all)\s+)*"
    rf"(?:(?:{ANY_WEEKDAY}|weekly|weekday|evening|morning)\s+)*{_SERIES_NOUN}\b"
)
# One date of a series: "skip next Tuesday", "skip 8 December", "cancel next Tuesday from my series".
_SKIP = re.compile(
    rf"\bskip\s+(?:the\s+|my\s+)?(?:(?:next|this|coming)\s+)?(?:{ANY_WEEKDAY}|\d|tomorrow|today|date\b|one\b|week\b)"
)
_CANCEL_WORD = re.compile(r"\b(?:cancel\w*|skip|remove|drop|take\s+out|delete|stop)\b")
_FROM_SERIES = re.compile(rf"\b(?:from|of|in)\s+(?:(?:my|the|our|this)\s+)(?:\w+\s+)?{_SERIES_NOUN}\b")
_A_DATE = re.compile(rf"\b(?:on|for)\s+(?:the\s+)?(?:\d|next|this|tomorrow|today|{ANY_WEEKDAY})")
# "book them" after a series was shown: the whole message says so and nothing else ("ok no" is a no,
# "yes please at 8pm" a change: both are read as any message).
_AGREE = r"(?:yes|yeah|yep|yup|ok|okay|sure|please|pls|thanks|thank\s+you|great|perfect|then|now|go\s+ahead|do\s+it)"
_ALL_OR_NONE_WORDS = r"all\s+or\s+(?:none|nothing)|all\s+of\s+them\s+or\s+none|only\s+if\s+all"
_BOOK_THEM = re.compile(
    rf"^(?:{_AGREE}[\s,.!]*)*"
    r"(?:(?:book|reserve|take)\s+(?:them|those|these|it|all|the\s+(?:free|open|available)(?:\s+(?:ones|dates|days))?)"
    r"(?:\s+(?:all|for\s+me))?[\s,.!]*)?"
    rf"(?:(?:{_ALL_OR_NONE_WORDS})[\s,.!]*)?(?:{_AGREE}[\s,.!]*)*$"
)
_ALL_OR_NONE = re.compile(rf"\b(?:{_ALL_OR_NONE_WORDS})\b")
_QUESTION = re.compile(r"\?|^(?:are|is|can|could|do|does|any|what|whats|when|which|how)\b")
_BOOK_VERB = re.compile(r"\b(?:book|reserve)\b")
# Every second (third ...) week: "every other Tuesday", "fortnightly", "every 2 weeks".
_EVERY_OTHER = re.compile(r"\bevery\s+other\b|\bfortnightly\b|\bbi-?weekly\b|\bevery\s+(\d)\s*(?:nd|rd|th)?\s+weeks?\b")
_RANGE = re.compile(rf"\b({ANY_WEEKDAY})\s*(?:to|through|thru|-|till|until)\s*({ANY_WEEKDAY})\b")
_EXCEPT = re.compile(
    rf"\b(?:except|but\s+not|not\s+on|excluding)\s+((?:(?:{ANY_WEEKDAY})(?:\s*,\s*|\s+(?:and|or)\s+)?)+)"
)
_WEEKS = re.compile(r"\bfor\s+(?:the\s+next\s+|another\s+)?(\d{1,2}|a|an)\s+(weeks?|months?)\b")  # words are digits
_UNTIL = re.compile(r"\b(?:until|till|til|up\s+to|through|thru)\s+(?P<day>.+?)(?=\s+(?:at|for|from|on)\b|$)")
_FROM = re.compile(r"\b(?:from|starting(?:\s+from)?|beginning)\s+(?P<day>.+?)(?=\s+(?:at|for|until|till)\b|$)")
_WEEK_SPAN = re.compile(r"\b(next|this)\s+week\b")
_END_OF = re.compile(rf"\b(?:the\s+)?end\s+of\s+(?:the\s+)?(month|year|{ANY_MONTH})\b")
_WEEKDAYS = re.compile(rf"\bweekdays?\b|\bweekends?\b|\bday\b|\bdaily\b|\b(?:{ANY_WEEKDAY})\b")
_RECURRENCE_WORDS = re.compile(
    rf"\b(?:every|each|single|other|weekly|daily|same\s+time|weeks?|weekdays?|weekends?|and|to|{ANY_WEEKDAY})\b|,"
)

DateOf = Callable[[str], dt.date | None]  # the day a few words name ("Christmas", "15 January"), if any


def read_series(
    normal: str, message: str, today: dt.date, context: ConversationContext | None, date_of: DateOf
) -> tuple[SeriesAsk, str] | None:
    """What `normal` says of a series, and the text left to read for its time, court and length (a skip's day);
    None when it is no series at all."""
    shown = context is not None and context.pending == "series" and context.series is not None
    if shown and normal.strip() and _BOOK_THEM.fullmatch(normal.strip()):
        return SeriesAsk(step="book", all_or_none=_ALL_OR_NONE.search(normal) is not None), ""
    if (cancel := _CANCEL_SERIES.search(normal)) is not None:
        if _A_DATE.search(normal[cancel.end() :]):  # "stop my series on 8 December": that date only
            return SeriesAsk(step="skip"), normal[: cancel.start()] + " " + normal[cancel.end() :]
        return SeriesAsk(step="cancel", weekdays=_weekdays(normal)), ""
    if _SKIP.search(normal) or (_CANCEL_WORD.search(normal) and _FROM_SERIES.search(normal)):
        return SeriesAsk(step="skip"), _FROM_SERIES.sub(" ", _CANCEL_WORD.sub(" ", normal))
    weak = _WEAK.search(normal) or _PLURAL_DAY.search(message)
    recurring = _EVERY.search(normal) or _EVERY_OTHER.search(normal) or (weak and _BOOKISH.search(normal))
    if recurring and _QUESTION.search(normal) and not _BOOK_VERB.search(normal):
        return None  # "are courts free on Saturdays at 10am?" asks what is free
    span = _WEEKS.search(normal)
    if not recurring and not (shown and (span or _UNTIL.search(normal))):
        return None
    ask = SeriesAsk()
    rest = normal
    if (other := _EVERY_OTHER.search(rest)) is not None:
        ask.every_weeks = int(other[1]) if other[1] else 2
        rest = rest.replace(other[0], " every ")
    if span is not None:
        count = int(span[1]) if span[1].isdigit() else 1
        ask.weeks = min(MAX_SERIES_WEEKS, max(1, count * (4 if span[2].startswith("month") else 1)))
        rest = rest.replace(span[0], " ")
    if (found := _FROM.search(rest)) is not None and (first := date_of(found["day"])) is not None:
        ask.first = first
        rest = rest.replace(found[0], " ")
    if (found := _UNTIL.search(rest)) is not None and (last := _last_day(found["day"], today, date_of)) is not None:
        ask.until, ask.weeks = last, None
        rest = rest.replace(found[0], " ")
    if (week := _WEEK_SPAN.search(rest)) is not None:
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1 if week[1] == "next" else 0)
        ask.first = max(monday, today)
        ask.until, ask.weeks = monday + dt.timedelta(days=6), None
        rest = rest.replace(week[0], " ")
    ask.weekdays = _weekdays(rest)  # of what is left: "until Friday 18 December" names no weekday of the series
    return ask, _RECURRENCE_WORDS.sub(" ", _EXCEPT.sub(" ", rest))


def _weekdays(normal: str) -> list[int]:
    """The ISO weekdays named: each weekday, a range ("Monday to Friday"), "weekdays" (Monday to Friday),
    "weekends", "every day"/"daily"; less those after "except"."""
    days: set[int] = set()
    for first, last in _RANGE.findall(normal):
        start, end = WEEKDAY_INDEX[first], WEEKDAY_INDEX[last]
        days |= {(start + n) % 7 + 1 for n in range((end - start) % 7 + 1)}
    normal = _RANGE.sub(" ", normal)
    excepted = {WEEKDAY_INDEX[w] + 1 for found in _EXCEPT.findall(normal) for w in re.findall(ANY_WEEKDAY, found)}
    normal = _EXCEPT.sub(" ", normal)
    for word in _WEEKDAYS.findall(normal):
        if word.startswith("weekday"):
            days |= {1, 2, 3, 4, 5}
        elif word.startswith("weekend"):
            days |= {6, 7}
        elif word in ("day", "daily"):
            if re.search(r"\b(?:every|each)\s+day\b|\bdaily\b", normal):
                days |= set(range(1, 8))
        else:
            days.add(WEEKDAY_INDEX[word] + 1)
    return sorted(days - excepted)


def _last_day(words: str, today: dt.date, date_of: DateOf) -> dt.date | None:
    """The last day "until ..." names: Christmas is up to Christmas Eve; the end of the month or the year."""
    if (end := _END_OF.search(words)) is not None:
        if end[1] == "year":
            return dt.date(today.year, 12, 31)
        month = today.month if end[1] == "month" else MONTH_INDEX[end[1]]
        year = today.year + (1 if month < today.month else 0)  # "the end of January", said in December
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    day = date_of(words)
    if day is not None and re.search(r"\bchristmas(?:\s+day)?\b", words) and "eve" not in words:
        return day - dt.timedelta(days=1)  # "until Christmas": the last game before it
    return day
