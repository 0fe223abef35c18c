"""The offline intent parser: deterministic rules, no network, no model files.

How a message is read (each step masks what it consumed, so "court 2" is never
read as 2 o'clock and "3 December" never as 3 o'clock):

1. normalise: NFKC, lower case, curly quotes and dashes, emoji and stray
   punctuation dropped, "p.m." -> "pm", and a word-by-word table that turns
   misspellings and short forms into one spelling ("tmrw" -> "tomorrow",
   "weds" -> "wednesday", "sept" -> "september", "two" -> "2", "fifth" -> "5th");
2. court ("Court B", "court b", "ct 2"), relative instants ("in two hours"),
   durations ("for 90 minutes");
3. dates: ISO and numeric, month-name dates, holidays, offsets ("in 3 days",
   "a week from today", "a fortnight"), today/tomorrow, weekdays with
   this/next/after next/"next week", the weekend, ordinal days ("the 4th");
4. windows and ranges ("between 4 and 6pm", "after 5", "before noon");
5. exact times ("3pm", "9.30am", "1500", "half past four", "at 3", "3 o'clock");
6. day parts ("tomorrow morning", "tonight"), which also decide am/pm for a
   bare hour; a bare hour is otherwise read inside the opening hours;
7. the action from the wording.

Impossible values ("February 30th", "25:00") are remembered as impossible, so
the answer is null rather than some other guess from the same message.
Everything is resolved in the facility's time zone from `now`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from courtbooking.config import Facility
from courtbooking.models import Action, Intent, TimeWindow
from courtbooking.schedule import MAX_BOOKING_MINUTES

# Longer messages are cut before parsing: what matters is said early, and a cap
# keeps the parse time bounded whatever arrives.
MAX_PARSE_CHARS: Final = 1000

# --- vocabulary -----------------------------------------------------------------

WEEKDAY_NAMES: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES: Final = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

_SPELLINGS: dict[str, tuple[str, ...]] = {
    # days
    "today": ("today", "2day", "tday", "todays", "tdy"),
    "tonight": ("tonight", "tonite", "2nite", "2night", "tonigh", "tonihgt", "toninght"),
    "tomorrow": (
        "tomorrow",
        "tomorow",
        "tommorow",
        "tommorrow",
        "tomorrw",
        "tomorro",
        "tomoro",
        "tomrrow",
        "tomrow",
        "tmrw",
        "tmr",
        "tmrow",
        "tmoz",
        "tomoz",
        "2moro",
        "2morro",
        "2morrow",
        "2mrw",
        "tmw",
        "tomm",
        "tommorw",
        "tomorrows",
    ),
    "yesterday": ("yesterday", "yday", "yest"),
    # weekdays
    "monday": ("monday", "mon", "mondays", "mnday", "monady", "mondey"),
    "tuesday": ("tuesday", "tue", "tues", "tuesdays", "tusday", "teusday", "tuseday", "tuesdy", "tueday"),
    "wednesday": (
        "wednesday",
        "wed",
        "weds",
        "wednesdays",
        "wensday",
        "wendsday",
        "wednsday",
        "wedensday",
        "wednseday",
        "wedsday",
        "wenesday",
        "wedenesday",
        "wednesdy",
    ),
    "thursday": ("thursday", "thu", "thur", "thurs", "thursdays", "thrusday", "thurday", "thursdy", "thusday"),
    "friday": ("friday", "fri", "fridays", "firday", "fryday", "fridy", "frday", "friady"),
    "saturday": ("saturday", "sat", "saturdays", "saterday", "satuday", "saturdy", "satruday", "satday", "sautrday"),
    "sunday": ("sunday", "sundays", "sundy", "sonday", "sundya", "sunady"),
    # months ("mar" and "may" only count next to a day number, see the date patterns)
    "january": ("january", "jan", "janurary", "januray", "janaury"),
    "february": ("february", "feb", "febuary", "febr", "februrary", "feburary"),
    "march": ("march", "mar"),
    "april": ("april", "apr", "apirl"),
    "may": ("may",),
    "june": ("june", "jun"),
    "july": ("july", "jul"),
    "august": ("august", "aug", "agust"),
    "september": ("september", "sep", "sept", "septmber", "setpember"),
    "october": ("october", "oct", "ocotber", "octobre"),
    "november": ("november", "nov", "novmber", "novemebr"),
    "december": ("december", "dec", "decmber", "decemeber", "decembre", "decemebr"),
    # times and the rest
    "oclock": ("oclock", "oclok", "oclcok"),
    "noon": ("noon", "12noon", "noonish"),
    "midday": ("midday", "mid-day"),
    "minutes": ("minutes", "minute", "mins", "min"),
    "hours": ("hours", "hrs"),
    "hour": ("hour", "hr"),
    "please": ("please", "pls", "plz", "plse"),
    "christmas": ("christmas", "xmas", "chrismas", "christams", "crimbo"),
    "halloween": ("halloween", "haloween"),
    "valentines": ("valentines", "valentine"),
    "fortnight": ("fortnight", "fortnite"),
    "weekend": ("weekend", "wkend", "wknd"),
    "morning": ("morning", "mornin", "morn", "moring"),
    "afternoon": ("afternoon", "arvo", "aft", "afternon"),
    "evening": ("evening", "evenin", "evning"),
    "available": ("available", "availible", "avail", "avaliable", "availabe"),
    "court": ("court", "crt", "ct"),
}

_NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fortyfive": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNIT_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _build_token_map() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, spellings in _SPELLINGS.items():
        for spelling in spellings:
            table[spelling] = canonical
    for word, value in _NUMBER_WORDS.items():
        table[word] = str(value)
    for word, value in _ORDINAL_WORDS.items():
        table[word] = _ordinal(value)
    return table


# Misspellings one edit away from the long day and month words ("tmorrow", "wedensday", "satruday"):
# a dropped, doubled or swapped letter, or (for words of eight letters or more) one wrong letter.
# Generated once at import; a variant that is already a word of the table keeps its meaning.
_TYPO_TARGETS: Final = (
    "tomorrow",
    "tonight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "september",
    "october",
    "november",
    "december",
    "morning",
    "afternoon",
    "evening",
    "christmas",
    "fortnight",
    "weekend",
    "available",
)
_NOT_TYPOS: Final = frozenset({"mourning", "sundry", "evenings", "mornings"})


def _one_edit_variants(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    variants = {word[:i] + word[i + 1 :] for i in range(len(word))}
    variants |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    variants |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    if len(word) >= 8:
        variants |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    return {v for v in variants if len(v) >= 5 and v != word}


def _build_typo_map(known: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for target in _TYPO_TARGETS:
        canonical = known.get(target, target)
        for variant in _one_edit_variants(target):
            if variant not in known and variant not in _NOT_TYPOS:
                table.setdefault(variant, canonical)
    return table


_TOKEN_MAP: Final = _build_token_map()
_TOKEN_MAP.update(_build_typo_map(_TOKEN_MAP))
_WEEKDAY_INDEX: Final = {name: i for i, name in enumerate(WEEKDAY_NAMES)}
_MONTH_INDEX: Final = {name: i + 1 for i, name in enumerate(MONTH_NAMES)}

# --- normalisation patterns -------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‐": "-", "−": "-"})
_MERIDIEM_DOTS = re.compile(r"(?<![a-z])([ap])\s?\.\s?m\b\.?")
_O_CLOCK = re.compile(r"\bo\s*'?\s*clock\b")
_JUNK = re.compile(r"[^a-z0-9:./\-#,? ]+")
_LONE_PUNCT = re.compile(r"(?<!\d)[.:/]|[.:/](?!\d)|(?<!\d)-(?!\d)")
_WORD = re.compile(r"[a-z0-9]+")
_SPACES = re.compile(r"\s+")
_COMPOUND_NUMBER = re.compile(
    r"\b(twenty|thirty)[\s-]+(" + "|".join(_UNITS + _UNIT_ORDINALS) + r")\b",
)
_COUPLE = re.compile(r"\b(?:a\s+)?couple\s+(?:of\s+)?")

# --- patterns over the normalised text -----------------------------------------

_WD = "|".join(WEEKDAY_NAMES)
_MON = "|".join(MONTH_NAMES)
_SUFFIX = r"(?:st|nd|rd|th)"


def _time(n: int) -> str:
    """One written time of day with named groups: noon/midday/midnight, or hour[:minutes][am|pm]."""
    return rf"(?:(?P<named{n}>noon|midday|midnight)|(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>\d{{2}}))?\s*(?P<mer{n}>am|pm)?)"


_END = r"(?![\d:]|(?:st|nd|rd|th)\b)"

# court
_COURT_GENERIC = re.compile(
    r"\bcourts?\s*(?:no\.?|number|num)?\s*#?\s*([a-z]|\d{1,2})\b"
    r"(?!\s*(?::\d|\.\d|am\b|pm\b|hours?\b|h\b|minutes?\b|oclock\b|ish\b|people\b|players\b|-\s*\d))"
)
_COURT_CAPITAL_A = re.compile(r"\b[Cc][Oo][Uu][Rr][Tt]\s*A(?![A-Za-z])")
_COURT_A_NEXT_OK = frozenset(
    {
        "for",
        "on",
        "at",
        "in",
        "this",
        "next",
        "from",
        "between",
        "please",
        "the",
        "and",
        "or",
        "by",
        "after",
        "before",
        "around",
        "instead",
        "if",
        "is",
        "free",
        "available",
        "today",
        "tonight",
        "tomorrow",
        "thanks",
        "thank",
        "then",
        ",",
        "?",
        *WEEKDAY_NAMES,
        *MONTH_NAMES,
    }
)

# instants and durations
_REL_INSTANT = re.compile(
    r"\bin\s+(?:about\s+|around\s+|roughly\s+)?"
    r"(?:(?P<count>\d{1,3}|an?)\s*(?P<unit>hours?|h|minutes?)(?P<half>\s+and\s+a\s+half)?|(?P<halfhour>half\s+an?\s+hour))\b"
    r"|\b(?P<count2>\d{1,3}|an?)\s+(?P<unit2>hours?|minutes?)\s+from\s+now\b"
)
_DURATION_HALF = re.compile(
    r"\b(?:for\s+)?(?:an?\s+|1\s+)?hour\s+and\s+a\s+half\b|\b(?:for\s+)?(?:1|an?)\s+and\s+a\s+half\s+hours?\b"
)
_DURATION_HALF_HOUR = re.compile(r"\b(?:for\s+)?(?:half\s+an?\s+hour|a\s+half\s*-?\s*hour|half\s*-?\s*hour)\b")
_DURATION_HOURS = re.compile(
    r"\b(?:for\s+)?(?:a\s+|an\s+)?(?P<hours>\d{1,2}(?:\.\d{1,2})?|an?)\s*-?\s*(?:hours?|h)(?![a-z])"
    r"(?:\s+and\s+(?P<half>a\s+half)|\s*(?:and\s+)?(?P<mins>\d{1,2})\s*(?:minutes?|m)\b|(?<=h)(?P<hmins>\d{2})\b)?"
)
_DURATION_MINUTES = re.compile(
    r"\b(?:for\s+)?(\d{1,3})\s*-?\s*(?:minutes?|m)\b(?!\s+(?:past|to|before|after|from|later)\b)"
)

# dates
_D_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_D_NUM3 = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b")
_D_NUM2 = re.compile(r"\b(\d{1,2})/(\d{1,2})\b(?!\s*(?:hours?|h\b))")
_D_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}){_SUFFIX}?\s+(?:of\s+)?({_MON})\b(?!\s+(?:i|we|you|be|have)\b)(?:\s*,?\s*(\d{{4}})\b)?"
)
_D_MONTH_DAY = re.compile(
    rf"\b({_MON})\s*,?\s+(?:the\s+)?(\d{{1,2}}){_SUFFIX}?\b"
    r"(?!\s*(?::\d|\.\d|am\b|pm\b|oclock|hours?\b|minutes?\b|people\b|players\b))(?:\s*,?\s*(\d{4})\b)?"
)
_D_HOLIDAY = re.compile(
    r"\b(?:on\s+)?(christmas\s+eve|christmas(?:\s+day)?|boxing\s+day|new\s+years?\s+eve|nye|new\s+years?(?:\s+day)?"
    r"|halloween|valentines(?:\s+day)?|(?:st|saint)\s+patricks(?:\s+day)?|independence\s+day)\b"
)
_D_OFFSET_FROM = re.compile(
    rf"\b(\d{{1,3}}|an?)\s+(days?|weeks?|fortnights?)\s+(?:(?:from|after|on)\s+)?(today|now|tomorrow|{_WD})\b"
)
_D_IN_OFFSET = re.compile(r"\bin\s+(?:about\s+)?(\d{1,3}|an?)\s+(days?|weeks?|fortnights?|months?)(?:\s+time)?\b")
_D_OFFSET_AWAY = re.compile(r"\b(\d{1,3}|an?)\s+(days?|weeks?)\s+(?:from\s+now|away|later|time)\b")
_HOLIDAY_WORDS: Final = (
    "christmas",
    "new year",
    "boxing",
    "nye",
    "halloween",
    "valentines",
    "patricks",
    "independence",
)
_D_FORTNIGHT = re.compile(rf"\b(?:in\s+)?(?:a\s+)?fortnights?(?:\s+(?:from\s+|on\s+)?(today|tomorrow|{_WD}))?\b")
_D_DAY_AFTER = re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\bovermorrow\b")
_D_RELATIVE_DAY = re.compile(r"\b(today|tonight|tomorrow|yesterday)\b")
_D_THIS_PART = re.compile(r"\bthis\s+(?:morning|afternoon|evening)\b")
_D_WEEKDAY = re.compile(
    r"\b(?:on\s+)?(?:(this\s+coming|this|next|coming|upcoming|last|the)\s+)?(?:(week)\s+(?:on\s+)?)?"
    rf"({_WD})(?![a-z])"
    r"(?:\s+(of\s+next\s+week|next\s+week|of\s+this\s+week|this\s+week|after\s+next|week|next)(?![a-z]))?"
)
_D_WEEKEND = re.compile(r"\b(?:on\s+)?(?:(this|next|the|coming)\s+)?weekend\b")
_NOT_A_DAY = (
    r"(?!\s+(?:thing|time|slot|court|one|option|choice|hour|week|floor|place|game|set|booking|of\s+(?:the|my|our)\b))"
)
_D_ORDINAL = re.compile(rf"\b(?:on\s+the|on|the)\s+(\d{{1,2}}){_SUFFIX}\b{_NOT_A_DAY}")
_D_BARE_ORDINAL = re.compile(
    rf"(?<!\ba )\b(\d{{1,2}}){_SUFFIX}\b"
    r"(?=\s*(?:$|,|\?|~|at\b|for\b|please\b|from\b|between\b|after\b|before\b|in\b|\d))"
)
_NEGATED = re.compile(r"(?:\bnot|\bno|\bisnt|\bexcept|\binstead\s+of|\brather\s+than)\s+(?:on\s+)?(?:the\s+)?$")
_CORRECTION = re.compile(
    r"\b(?:actually|instead|make\s+it|change\s+(?:it\s+)?to|no\s+wait|sorry|rather|scratch\s+that|i\s+mean|i\s+meant"
    r"|correction)\b|\bno\s*,"
)

# windows
_W_BETWEEN = re.compile(rf"\bbetween\s+{_time(1)}\s*(?:and|-|to)\s*{_time(2)}{_END}")
_W_FROM_TO = re.compile(rf"\bfrom\s+{_time(1)}\s*(?:-|to|till|til|until|through)\s*{_time(2)}{_END}")
_W_RANGE = re.compile(rf"(?<![\d:.])\b{_time(1)}\s*(?:-|to|till|til|until)\s*{_time(2)}{_END}")
_W_AFTER = re.compile(
    r"\b(?:any\s*time\s+|sometime\s+|some\s+time\s+)?(?P<kw>after|later\s+than|no\s+earlier\s+than|from)\s+"
    rf"{_time(1)}(?P<onwards>\s*(?:onwards?|on|or\s+later|and\s+later|or\s+after))?{_END}"
)
_W_ONWARDS = re.compile(rf"\b{_time(1)}\s*(?:onwards?|or\s+later|and\s+later|or\s+after)\b")
_W_BEFORE = re.compile(
    rf"\b(?:any\s*time\s+)?(?:before|until|till|til|by|no\s+later\s+than|earlier\s+than|up\s+to)\s+{_time(1)}{_END}"
)

# exact times
_T_PAST_TO = re.compile(
    r"\b(?P<amount>half|quarter|a\s+quarter|5|10|20|25)\s+(?:minutes?\s+)?(?P<dir>past|to|til)\s+"
    r"(?:(?P<named1>noon|midnight)|(?P<h1>\d{1,2})\s*(?P<mer1>am|pm)?)\b"
)
_T_SPACED = re.compile(
    r"\b(?:at\s+)?(?P<h1>\d{1,2})\s+(?P<m1>15|30|45|[0-5]5|[1-5]0)\s*(?P<mer1>am|pm)\b|\bat\s+(?P<h2>\d{1,2})\s+(?P<m2>15|30|45)\b"
)
_T_COLON = re.compile(r"\b(?P<h1>\d{1,2})[:.](?P<m1>\d{2})\s*(?P<mer1>am|pm)?(?![\d:])")
_T_MERIDIEM = re.compile(r"\b(?P<h1>\d{1,2})\s*(?P<mer1>am|pm)\b")
_T_NAMED = re.compile(r"\b(?:12\s+)?(?P<named1>noon|midday|midnight)\b")
_T_HALF_BRITISH = re.compile(r"\bhalf\s+(?P<h1>\d{1,2})\b(?!\s*(?:hours?|h\b|days?|weeks?|past|an?\b|[:.]\d))")
_T_OCLOCK = re.compile(r"\b(?P<h1>\d{1,2})\s*oclock\b(?:\s*(?P<mer1>am|pm))?")
_T_MILITARY = re.compile(r"\b(?:(?P<prefix>at|from|by)\s+)?(?P<digits>\d{3,4})\s*(?P<unit>h|hrs|hours)?\b")
_T_AT_BARE = re.compile(
    r"\b(?:at|around|about|approx|approximately|roughly|say|from)\s+(?:about\s+|around\s+|roughly\s+)?(?P<h1>\d{1,3})\b"
    r"(?!\s*(?:[:./]\d|hours?\b|h\b|minutes?\b|days?\b|weeks?\b|people|players|persons?|of\b|courts?\b|st\b|nd\b|rd\b|th\b))"
)
_T_ISH = re.compile(r"\b(?P<h1>\d{1,2})\s*-?\s*ish\b")
_T_AFTER_DAY = re.compile(
    r"(?<=~)\s+(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\b"
    r"(?!\s*(?:[:./-]?\d|hours?\b|h\b|minutes?\b|days?\b|weeks?\b|people|players|persons?|courts?\b|of\b|st\b|nd\b|rd\b|th\b))"
)
_T_BEFORE_DAY = re.compile(
    r"(?<!for )(?<!court )\b(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s+"
    r"(?=~|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
)

_DAY_PART = re.compile(
    r"\b(?P<q>early\s+|late\s+|mid\s*-?\s*)?(?P<part>morning|afternoon|evening|tonight|night|lunchtime|lunch\s+time|lunch)\b"
    r"|\b(?P<phrase>after\s+work|after\s+lunch|before\s+work)\b"
)
_AM_PARTS = frozenset({"morning"})
_PM_PARTS = frozenset({"afternoon", "evening", "night", "tonight"})

# actions
_CANCEL = re.compile(
    r"\bcancel\w*|\bcall\s+off\b|\bun-?book\b|\b(?:delete|remove|scrap|drop|ditch)\s+(?:my|the|our|that|this)\b"
    rf"|\b(?:cant|cannot|can\s+not|wont|will\s+not)\s+make\s+(?:it|my|the|our|today|tonight|tomorrow|{_WD})\b"
    r"|\bno\s+longer\s+(?:need|want|coming)\b"
)
_LIST = re.compile(
    r"\b(?:my|our)\s+(?:upcoming\s+|current\s+|existing\s+|future\s+|next\s+|court\s+)?(?:bookings?|reservations?)\b"
    r"|\bwhat\s+(?:have|did|do)\s+(?:i|we)\s+(?:got\s+)?(?:booked|book|reserved|reserve)\b"
    r"|\bwhat\s+(?:i|we)\s+(?:have\s+)?booked\b"
    r"|\bwhat\s+(?:am|are)\s+(?:i|we)\s+booked\b|\bwhen\s+am\s+i\s+(?:playing|booked)\b|\bam\s+i\s+booked\b"
    r"|\b(?:do|have)\s+(?:i|we)\s+(?:got\s+|have\s+)?(?:any(?:thing)?|a)\s+(?:bookings?|reservations?|booked)\b"
    r"|\b(?:show|list|see|view)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:my|our)\b"
)
_LIST_WEAK = re.compile(
    r"\b(?:what|which|any|all)\s+(?:of\s+)?(?:my\s+|the\s+|our\s+)?(?:bookings|reservations)\b|\bunder\s+my\s+name\b"
    r"|\b(?:bookings|reservations)\s+(?:do|have)\s+(?:i|we)\b"
)
# Wording that instructs the system rather than asks for a court: such a message is no request at all.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|of)\s+)*"
    r"(?:(?:previous|prior|above|earlier|preceding|system|original)\s+)?(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\b(?:ignore|disregard)\s+(?:all\s+of\s+)?(?:the\s+)?above\b|\bsystem\s+prompt\b|\byou\s+are\s+now\b"
    r"|\bdeveloper\s+mode\b|\bjailbreak|\bnew\s+instructions\b|\bpretend\s+(?:to\s+be|you\s+are)\b"
    r"|\b(?:print|reveal|show|repeat)\s+(?:me\s+)?your\s+(?:instructions|prompt|rules)\b"
)
_ROLE_MARKUP = re.compile(r"<\s*/?\s*(?:system|message|user|assistant|instructions?)\s*>|^\s*system\s*:", re.IGNORECASE)
_BOOK = re.compile(
    r"(?<!to )\b(?:book|reserve|rebook)\b"
    r"|\b(?:want|like|need|wish|wanna|love|able|possible|going|trying|hoping|gonna|keen)\s+to\s+(?:book|reserve)\b"
    r"|\bmake\s+(?:me\s+)?(?:a|an)\s+(?:booking|reservation)\b|\b(?:sign|put|pencil)\s+(?:me|us)\s+(?:up|down|in)\b"
    r"|\bgrab\b|\bget\s+(?:me|us)\b|\bi(?:ll|\s+will)\s+take\b|\block\s+in\b|\bsecure\s+(?:me\s+)?a\b"
)
_CHECK = re.compile(
    r"\b(?:free|available|availability|availabilities|vacant|vacancy|vacancies|open|taken|busy|booked|full|spare)\b"
    r"|\bany\s+(?:courts?|slots?|space|spaces|room|gaps?|openings?|times)\b|\b(?:what|which)\s+(?:courts?|slots?|times?)\b"
    r"|\bwhats\s+(?:left|on)\b|\bcheck\b|\bsee\s+if\b|\bwhen\s+can\s+(?:i|we)\b|\bis\s+there\s+(?:a|any|anything)\b"
    r"|\banything\s+(?:going|on|left|doing)\b|\b(?:courts|anything)\b[^.!]*\?"
    r"|\bare\s+there\b|\bhow\s+busy\b|\bshow\s+me\b|\blook\s+up\b|\bwhat\s+have\s+you\s+got\b|\bdo\s+you\s+have\b"
    r"|\bgot\s+any(?:thing)?\b|\bwhat\s+can\s+i\s+get\b|\b(?:what|how)\s+about\b"
)
_WEAK_BOOK = re.compile(
    r"\b(?:want|need|id\s+like|would\s+like|wanna|looking\s+for|after)\s+(?:a\s+|to\s+play|to\s+get\s+a\s+|some\s+)?"
    r"(?:court|game|slot|session|hit|to\s+play|tennis)\b|\bget\s+(?:a\s+)?court\b|\bhave\s+(?:a\s+)?court\b"
    r"|\blets\s+play\b|\bcourt\s+please\b"
)


# --- the parser ---------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    position: int
    priority: int  # lower wins: an explicit "3pm" over a bare "at 3"
    value: object  # a dt.date or minutes since midnight; None when what was written is impossible


@dataclass(slots=True)
class _Scan:
    text: str
    today: dt.date
    now: dt.datetime  # local
    dates: list[_Candidate] = field(default_factory=list)
    times: list[_Candidate] = field(default_factory=list)
    windows: list[tuple[int, int, int]] = field(default_factory=list)  # (position, start, end)
    court: str | None = None
    unknown_court: bool = False  # a court was named that the facility does not have
    duration: int | None = None
    range_minutes: int | None = None
    hint: str | None = None  # "am" / "pm" from a day part
    part: tuple[int, int] | None = None  # the window of a day part

    def consume(self, match: re.Match[str], filler: str = " ") -> None:
        """Mask what a pattern read; dates leave "~" so "3 tomorrow" still sees a day follows."""
        start, end = match.span()
        self.text = self.text[:start] + filler * (end - start) + self.text[end:]


def normalise(message: str) -> str:
    """Lower-case, ASCII-ish, one spelling per word, one space between words."""
    text = unicodedata.normalize("NFKC", message[:MAX_PARSE_CHARS]).translate(_QUOTES).lower()
    text = _MERIDIEM_DOTS.sub(r"\1m", text)
    text = _O_CLOCK.sub(" oclock", text)
    text = text.replace("'", "").replace("@", " at ").replace("&", " and ")
    text = _JUNK.sub(" ", text)
    text = _LONE_PUNCT.sub(" ", text)
    if "twenty" in text or "thirty" in text:
        text = _COMPOUND_NUMBER.sub(_compound_number, text)
    text = _WORD.sub(_canonical_word, text)
    if "couple" in text:
        text = _COUPLE.sub("2 ", text)
    return _SPACES.sub(" ", text).strip()


def _canonical_word(match: re.Match[str]) -> str:
    word = match.group()
    if word == "sun":  # "in the sun" is not a Sunday
        return word if match.string[max(0, match.start() - 4) : match.start()] == "the " else "sunday"
    return _TOKEN_MAP.get(word, word)


def _compound_number(match: re.Match[str]) -> str:
    tens = _NUMBER_WORDS[match.group(1)]
    unit = match.group(2)
    if unit in _UNIT_ORDINALS:
        return _ordinal(tens + _UNIT_ORDINALS.index(unit) + 1)
    return str(tens + _UNITS.index(unit) + 1)


def _count(text: str) -> int:
    return 1 if text in ("a", "an") else int(text)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


class OfflineParser:
    """Reads a message with hand-written rules; `parse` takes well under a millisecond and never raises."""

    def __init__(self, facility: Facility) -> None:
        self.facility = facility
        self._opening = facility.opening_minutes
        self._closing = facility.closing_minutes
        self._slot = facility.slot_minutes
        self._us_dates = getattr(facility.timezone, "key", "").startswith("America/")
        # The courts as configured ("Centre Court", "Court One" read as "court 1"), matched after the
        # same normalisation as the message, and "court b" for courts named "Court B".
        self._court_names = {normalise(court): court for court in facility.courts if normalise(court)}
        names = sorted(self._court_names, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in names)
        self._court_full = re.compile(rf"\b({alternatives})(?![a-z0-9])" if names else r"(?!x)x")
        self._court_by_suffix: dict[str, str] = {}
        for name, court in self._court_names.items():
            words = name.split()
            if len(words) >= 2 and len(words[-1]) <= 2:
                self._court_by_suffix.setdefault(words[-1], court)

    # --- entry point -------------------------------------------------------------
    def parse(self, message: str, now: dt.datetime) -> Intent:
        if not isinstance(message, str):
            message = str(message)
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        local = now.astimezone(self.facility.timezone)
        normal = normalise(message)
        if _INJECTION.search(normal) or _ROLE_MARKUP.search(message[:MAX_PARSE_CHARS]):
            return Intent(raw_message=message, parser="offline")  # an instruction to the system, not a request
        scan = _Scan(text=normal, today=local.date(), now=local)

        self._court(scan, message)
        self._relative_instant(scan)
        self._duration(scan)
        self._dates(scan)
        self._day_part(scan, normal)
        date = self._pick(scan.dates, normal)
        self._windows(scan, date)
        self._times(scan, date)
        time = self._pick(scan.times, normal)

        window = None
        if time is None and scan.windows:
            chosen = scan.windows[-1] if _CORRECTION.search(normal) else scan.windows[0]
            window = chosen[1:]
        elif time is None:
            window = scan.part

        action = self._action(normal, date is not None or time is not None or window is not None)
        if scan.unknown_court and scan.court is None and action == "book":
            action = "check"  # "book court Z": no such court; show what is free rather than book another
        duration = scan.duration
        if duration is None and scan.range_minutes and action == "book" and window is not None:
            duration = scan.range_minutes  # "book 2 to 4pm": two hours from 2, not any hour between
        return Intent(
            action=action,
            date=date if isinstance(date, dt.date) else None,
            time=_hhmm(time) if isinstance(time, int) else None,
            window=TimeWindow(start=_hhmm(window[0]), end=_hhmm(window[1])) if window else None,
            court=scan.court,
            duration_minutes=duration,
            raw_message=message,
            parser="offline",
        )

    # --- court, instants, durations ----------------------------------------------
    def _court(self, scan: _Scan, original: str) -> None:
        if "court" not in scan.text and not self._court_full.search(scan.text):
            return
        for match in self._court_full.finditer(scan.text):
            name = self._court_names.get(" ".join(match.group(1).split()))
            if match.group(1).endswith(" a") and not self._court_letter_a(match, original):
                continue
            scan.court = scan.court or name
            scan.consume(match)
        for match in _COURT_GENERIC.finditer(scan.text):
            suffix = match.group(1)
            court = self._court_by_suffix.get(suffix)
            if suffix == "a" and not self._court_letter_a(match, original):
                continue
            if court is None and not suffix.isdigit() and (len(suffix) > 1 or suffix in "ai"):
                continue  # "court i want" is not a court
            scan.unknown_court = scan.unknown_court or court is None
            scan.court = scan.court or court
            scan.consume(match)

    @staticmethod
    def _court_letter_a(match: re.Match[str], original: str) -> bool:
        """'court a' is Court A, unless the 'a' is an article ('a court a week from today')."""
        rest = match.string[match.end() :].split(maxsplit=1)
        if not rest or rest[0] in _COURT_A_NEXT_OK or rest[0][0].isdigit() or rest[0][0] == "~":
            return True
        return _COURT_CAPITAL_A.search(original) is not None

    def _relative_instant(self, scan: _Scan) -> None:
        if "in " not in scan.text and "from now" not in scan.text:
            return
        for match in _REL_INSTANT.finditer(scan.text):
            if match.group("halfhour"):
                minutes = 30
            else:
                count = match.group("count") or match.group("count2")
                unit = match.group("unit") or match.group("unit2")
                minutes = _count(count) * (60 if unit.startswith("h") else 1) + (30 if match.group("half") else 0)
            scan.consume(match)
            if minutes > 24 * 60:
                continue
            at = scan.now + dt.timedelta(minutes=minutes)
            scan.dates.append(_Candidate(match.start(), 0, at.date()))
            scan.times.append(_Candidate(match.start(), 0, at.hour * 60 + at.minute))

    def _duration(self, scan: _Scan) -> None:
        text = scan.text
        if "hour" not in text and "minute" not in text and not _has_digit(text):
            return
        for pattern, minutes in ((_DURATION_HALF, 90), (_DURATION_HALF_HOUR, 30)):
            match = pattern.search(text)
            if match:
                scan.duration = minutes
                scan.consume(match)
                return
        match = _DURATION_HOURS.search(text)
        if match:
            written = match.group("hours")
            minutes = 60 if written in ("a", "an") else round(float(written) * 60)
            if match.group("half"):
                minutes += 30
            elif match.group("mins") or match.group("hmins"):
                minutes += int(match.group("mins") or match.group("hmins"))
            scan.duration = minutes if 0 < minutes <= 24 * 60 else None
            scan.consume(match)
            return
        match = _DURATION_MINUTES.search(text)
        if match:
            minutes = int(match.group(1))
            scan.duration = minutes if 0 < minutes <= 24 * 60 else None
            scan.consume(match)

    # --- dates -----------------------------------------------------------------
    def _dates(self, scan: _Scan) -> None:
        today = scan.today
        if _has_digit(scan.text):
            self._numeric_dates(scan)
            self._month_dates(scan)
        text = scan.text
        if any(word in text for word in _HOLIDAY_WORDS):
            for match in _D_HOLIDAY.finditer(scan.text):
                self._add_date(scan, match, 0, self._holiday(match.group(1), today))
        self._offsets(scan)
        if "tomorrow" in scan.text:
            for match in _D_DAY_AFTER.finditer(scan.text):
                self._add_date(scan, match, 1, today + dt.timedelta(days=2))
        for match in _D_RELATIVE_DAY.finditer(scan.text):
            offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}[match.group(1)]
            self._add_date(scan, match, 2, today + dt.timedelta(days=offset))
        if "this " in scan.text:
            for match in _D_THIS_PART.finditer(scan.text):
                self._add_date(scan, match, 3, today)
        if "day" in scan.text:
            for match in _D_WEEKDAY.finditer(scan.text):
                self._add_date(scan, match, 2, self._weekday(match, today))
        if "weekend" in scan.text:
            for match in _D_WEEKEND.finditer(scan.text):
                self._add_date(scan, match, 2, self._weekend(match.group(1), today))
        if _has_digit(scan.text):
            for pattern in (_D_ORDINAL, _D_BARE_ORDINAL):
                for match in pattern.finditer(scan.text):
                    self._add_date(scan, match, 1, self._ordinal_day(int(match.group(1)), today))

    def _numeric_dates(self, scan: _Scan) -> None:
        for match in _D_ISO.finditer(scan.text):
            year, month, day = (int(g) for g in match.groups())
            self._add_date(scan, match, 0, _real_date(year, month, day))
        for match in _D_NUM3.finditer(scan.text):
            first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            day, month = self._day_month(first, second)
            self._add_date(scan, match, 0, _real_date(year + 2000 if year < 100 else year, month, day))
        if "/" in scan.text:
            for match in _D_NUM2.finditer(scan.text):
                day, month = self._day_month(int(match.group(1)), int(match.group(2)))
                self._add_date(scan, match, 0, self._next_month_day(month, day, scan.today))

    def _month_dates(self, scan: _Scan) -> None:
        for pattern, order in ((_D_DAY_MONTH, "dm"), (_D_MONTH_DAY, "md")):
            for match in pattern.finditer(scan.text):
                if order == "dm":
                    day, month_name, year = match.groups()
                else:
                    month_name, day, year = match.groups()
                month = _MONTH_INDEX[month_name]
                if year:
                    value = _real_date(int(year), month, int(day))
                else:
                    value = self._next_month_day(month, int(day), scan.today)
                self._add_date(scan, match, 0, value)

    def _day_month(self, first: int, second: int) -> tuple[int, int]:
        """(day, month) of a numeric date: day first, except in the Americas; an impossible order is swapped."""
        day, month = (second, first) if self._us_dates else (first, second)
        if month > 12 >= day:
            day, month = month, day
        return day, month

    def _offsets(self, scan: _Scan) -> None:
        today = scan.today
        text = scan.text
        if "week" in text or "day" in text or "month" in text or "fortnight" in text:
            for match in _D_OFFSET_FROM.finditer(scan.text):
                count, unit, base = match.groups()
                start = self._base_day(base, today)
                self._add_date(scan, match, 1, start + dt.timedelta(days=_count(count) * _unit_days(unit)))
            for match in _D_IN_OFFSET.finditer(scan.text):
                count, unit = _count(match.group(1)), match.group(2)
                if unit.startswith("month"):
                    value = _add_months(today, count) if count <= 24 else None
                else:
                    value = today + dt.timedelta(days=count * _unit_days(unit))
                self._add_date(scan, match, 1, value)
            for match in _D_OFFSET_AWAY.finditer(scan.text):
                count, unit = _count(match.group(1)), match.group(2)
                self._add_date(scan, match, 1, today + dt.timedelta(days=count * _unit_days(unit)))
        if "fortnight" in scan.text:
            for match in _D_FORTNIGHT.finditer(scan.text):
                start = self._base_day(match.group(1), today)
                self._add_date(scan, match, 1, start + dt.timedelta(days=14))

    @staticmethod
    def _base_day(base: str | None, today: dt.date) -> dt.date:
        if base in (None, "today", "now"):
            return today
        if base == "tomorrow":
            return today + dt.timedelta(days=1)
        return today + dt.timedelta(days=(_WEEKDAY_INDEX[base] - today.weekday()) % 7)

    @staticmethod
    def _weekday(match: re.Match[str], today: dt.date) -> dt.date:
        """this/coming/bare X: the next X, today included. next X, X next week: the X of next calendar
        week (weeks start on Monday). X after next: the X after the coming one. X week: a week after it."""
        modifier, week_before, name, after = match.groups()
        target = _WEEKDAY_INDEX[name]
        coming = today + dt.timedelta(days=(target - today.weekday()) % 7)
        after = " ".join(after.split()) if after else None
        if modifier == "last":
            return today - dt.timedelta(days=(today.weekday() - target) % 7 or 7)
        if modifier == "next" or after in ("next week", "of next week", "next"):
            return today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7 + target)
        if after == "after next":
            return coming + dt.timedelta(days=14 if coming == today else 7)
        if after == "week" or (week_before and modifier is None):
            return coming + dt.timedelta(days=7)
        return coming

    @staticmethod
    def _weekend(modifier: str | None, today: dt.date) -> dt.date:
        if modifier == "next":
            return today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=12)
        if today.weekday() >= 5:
            return today
        return today + dt.timedelta(days=5 - today.weekday())

    @staticmethod
    def _holiday(name: str, today: dt.date) -> dt.date:
        """Fixed-date holidays only; movable ones (Easter, Thanksgiving) are not read."""
        name = " ".join(name.split())
        if name == "christmas eve":
            month, day = 12, 24
        elif name.startswith("christmas"):
            month, day = 12, 25
        elif name == "boxing day":
            month, day = 12, 26
        elif name.endswith("eve") or name == "nye":
            month, day = 12, 31
        elif name == "halloween":
            month, day = 10, 31
        elif name.startswith("valentines"):
            month, day = 2, 14
        elif "patricks" in name:
            month, day = 3, 17
        elif name == "independence day":
            month, day = 7, 4
        else:
            month, day = 1, 1
        this_year = dt.date(today.year, month, day)
        return this_year if this_year >= today else dt.date(today.year + 1, month, day)

    @staticmethod
    def _next_month_day(month: int, day: int, today: dt.date) -> dt.date | None:
        """The next such date from today, today included (so in late December "Jan 2" is next year).
        None when it does not exist ("February 30th"); 29 February waits for a leap year."""
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        if day > calendar.monthrange(2024, month)[1]:
            return None
        for year in range(today.year, today.year + 5):
            value = _real_date(year, month, day)
            if value is not None and value >= today:
                return value
        return None

    @staticmethod
    def _ordinal_day(day: int, today: dt.date) -> dt.date | None:
        """'the 4th': the next 4th of a month, today included; months without that day are skipped."""
        if not 1 <= day <= 31:
            return None
        year, month = today.year, today.month
        for _ in range(13):
            if day <= calendar.monthrange(year, month)[1]:
                value = dt.date(year, month, day)
                if value >= today:
                    return value
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    @staticmethod
    def _add_date(scan: _Scan, match: re.Match[str], priority: int, value: dt.date | None) -> None:
        if not _NEGATED.search(scan.text, max(0, match.start() - 16), match.start()):
            scan.dates.append(_Candidate(match.start(), priority, value))
        scan.consume(match, "~")

    # --- day parts ------------------------------------------------------------
    def _day_part(self, scan: _Scan, normal: str) -> None:
        if not any(word in normal for word in ("morning", "noon", "evening", "night", "lunch", "work")):
            return
        match = _DAY_PART.search(normal)
        if not match:
            return
        opening, closing = self._opening, self._closing
        phrase = match.group("phrase")
        if phrase:
            phrase = " ".join(phrase.split())
            window = {
                "after work": (17 * 60, closing),
                "after lunch": (13 * 60, closing),
                "before work": (opening, 9 * 60),
            }[phrase]
            scan.hint = "am" if phrase == "before work" else "pm"
        else:
            part = "lunchtime" if match.group("part").startswith("lunch") else match.group("part")
            scan.hint = "am" if part in _AM_PARTS else "pm" if part in _PM_PARTS else None
            base = {
                "morning": (opening, 12 * 60),
                "afternoon": (12 * 60, 17 * 60),
                "evening": (17 * 60, closing),
                "tonight": (17 * 60, closing),
                "night": (18 * 60, closing),
                "lunchtime": (12 * 60, 14 * 60),
            }[part]
            qualifier = (match.group("q") or "").strip()
            half = min(120, base[1] - base[0])  # "early evening" 17-19, "late afternoon" 15-17
            window = (
                (base[0], base[0] + half)
                if qualifier == "early"
                else (base[1] - half, base[1])
                if qualifier == "late"
                else base
            )
        start, end = max(window[0], opening), min(window[1], closing)
        if end > start:
            scan.part = (start, end)
        elif 0 <= window[0] < window[1] < 24 * 60:
            scan.part = window

    # --- windows -------------------------------------------------------------
    def _windows(self, scan: _Scan, date: object) -> None:
        text = scan.text
        if not _has_digit(text) and "noon" not in text and "midday" not in text and "midnight" not in text:
            return
        for pattern in (_W_BETWEEN, _W_FROM_TO, _W_RANGE):
            for match in pattern.finditer(scan.text):
                start, end, inside = self._resolve_range(match, scan)
                bare = not any(match.group(g) for g in ("m1", "mer1", "named1", "m2", "mer2"))
                if pattern is _W_RANGE and bare and not inside:
                    continue  # a bare "6-4" is a score, not hours; "10-12" inside opening hours is a range
                scan.consume(match)
                if start is None or end is None:
                    continue
                if end - start == self._slot:
                    scan.times.append(_Candidate(match.start(), 0, start))
                else:
                    scan.windows.append((match.start(), start, end))
                    if end - start <= MAX_BOOKING_MINUTES and pattern is not _W_BETWEEN:
                        scan.range_minutes = end - start
        for pattern in (_W_AFTER, _W_ONWARDS, _W_BEFORE):
            for match in pattern.finditer(scan.text):
                if pattern is _W_AFTER and match.group("kw") == "from" and not match.group("onwards"):
                    continue  # "from 3pm" alone is a start time, read below
                value = self._resolve_written(match, 1, scan, date, end=pattern is _W_BEFORE)
                scan.consume(match)
                if value is None:
                    continue
                if pattern is _W_BEFORE:
                    start, end = min(self._opening, value - self._slot), value
                else:
                    start, end = value, min(max(self._closing, value + self._slot), 23 * 60 + 59)
                if 0 <= start < end:
                    scan.windows.append((match.start(), start, end))

    def _resolve_range(self, match: re.Match[str], scan: _Scan) -> tuple[int | None, int | None, bool]:
        """Both ends of "between 4 and 6pm": an am/pm on one end decides the other, else opening hours do.
        Also says whether the range lies inside opening hours."""
        starts = self._readings(match, 1, scan.hint)
        ends = self._readings(match, 2, scan.hint)
        pairs = [(s, e) for s in starts for e in ends if s < e <= s + 12 * 60]
        if not pairs:
            return None, None, False
        inside = [p for p in pairs if self._opening <= p[0] < self._closing and self._opening < p[1] <= self._closing]
        start, end = min(inside or pairs, key=lambda p: (p[1] - p[0], -p[0]))
        return start, end, bool(inside)

    @staticmethod
    def _readings(match: re.Match[str], n: int, hint: str | None) -> list[int]:
        """The possible minutes of one written time: two for a bare hour (am and pm), none when impossible."""
        groups = match.groupdict()
        named = groups.get(f"named{n}")
        if named:
            return [0 if named == "midnight" else 12 * 60]
        hour, minute, meridiem = groups.get(f"h{n}"), groups.get(f"m{n}"), groups.get(f"mer{n}")
        if hour is None:
            return []
        h, m = int(hour), int(minute or 0)
        if m > 59:
            return []
        if meridiem:
            return [(h % 12 + (12 if meridiem == "pm" else 0)) * 60 + m] if 1 <= h <= 12 else []
        if h > 23:
            return []
        if h >= 13 or h == 0 or (minute is not None and hour.startswith("0")):
            return [h * 60 + m]  # a 24-hour time ("15:00", "08:30")
        if h == 12:
            return [12 * 60 + m]
        if hint == "am":
            return [h * 60 + m]
        if hint == "pm":
            return [(h + 12) * 60 + m]
        return [h * 60 + m, (h + 12) * 60 + m]

    def _resolve_written(
        self, match: re.Match[str], n: int, scan: _Scan, date: object, end: bool = False, shift: int = 0
    ) -> int | None:
        readings = [r + shift for r in self._readings(match, n, scan.hint)]
        return self._choose(readings, scan, date, end) if readings else None

    def _choose(self, readings: list[int], scan: _Scan, date: object, end: bool = False) -> int:
        """A bare hour is read inside opening hours; when both readings fit, the morning one,
        unless that has already passed today."""
        if len(readings) == 1:
            return readings[0]
        if end:
            inside = [r for r in readings if self._opening < r <= self._closing]
        else:
            inside = [r for r in readings if self._opening <= r < self._closing]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            now_minutes = scan.now.hour * 60 + scan.now.minute
            if date in (None, scan.today) and inside[0] <= now_minutes < inside[-1]:
                return inside[-1]
            return inside[0]
        return min(readings, key=lambda r: min(abs(r - self._opening), abs(r - self._closing)))

    # --- exact times -------------------------------------------------------------
    def _times(self, scan: _Scan, date: object) -> None:
        text = scan.text
        if not _has_digit(text) and "noon" not in text and "midday" not in text and "midnight" not in text:
            return
        for match in _T_PAST_TO.finditer(scan.text):
            amount = " ".join(match.group("amount").split())
            minutes = {"half": 30, "quarter": 15, "a quarter": 15}.get(amount) or int(amount)
            if match.group("dir") != "past":
                minutes = -minutes
            if match.group("named1") == "midnight" and minutes < 0:
                minutes += 24 * 60
            self._add_time(scan, match, 1, self._resolve_written(match, 1, scan, date, shift=minutes))
        for match in _T_SPACED.finditer(scan.text):
            self._add_time(scan, match, 1, self._resolve_written(match, 1 if match.group("h1") else 2, scan, date))
        for pattern in (_T_COLON, _T_MERIDIEM, _T_NAMED, _T_OCLOCK):
            for match in pattern.finditer(scan.text):
                self._add_time(scan, match, 1, self._resolve_written(match, 1, scan, date))
        for match in _T_HALF_BRITISH.finditer(scan.text):
            self._add_time(scan, match, 1, self._resolve_written(match, 1, scan, date, shift=30))
        for match in _T_MILITARY.finditer(scan.text):
            self._military(scan, match, date)
        for pattern in (_T_AT_BARE, _T_ISH, _T_BEFORE_DAY, _T_AFTER_DAY):
            for match in pattern.finditer(scan.text):
                self._add_time(scan, match, 3, self._resolve_written(match, 1, scan, date))

    def _military(self, scan: _Scan, match: re.Match[str], date: object) -> None:
        """'1500', '1930h', 'at 930'. Without 'at' or 'h', only quarter hours count ("2026" is a year)."""
        digits, prefix, unit = match.group("digits"), match.group("prefix"), match.group("unit")
        hours, minutes = int(digits[:-2]), int(digits[-2:])
        if not (prefix or unit) and (len(digits) == 3 or minutes not in (0, 15, 30, 45)):
            return
        if hours > 23 or minutes > 59:
            value = None
        elif len(digits) == 3:
            value = self._choose([hours * 60 + minutes, (hours + 12) * 60 + minutes], scan, date)
        else:
            value = hours * 60 + minutes
        self._add_time(scan, match, 2, value)

    @staticmethod
    def _add_time(scan: _Scan, match: re.Match[str], priority: int, value: int | None) -> None:
        if value is not None and not 0 <= value < 24 * 60:
            value = None
        scan.times.append(_Candidate(match.start(), priority, value))
        scan.consume(match)

    # --- choosing --------------------------------------------------------------
    @staticmethod
    def _pick(candidates: list[_Candidate], normal: str) -> object:
        """The most specific candidate, then the first; after "actually"/"instead", the last one."""
        if not candidates:
            return None
        if len(candidates) > 1 and _CORRECTION.search(normal):
            return max(candidates, key=lambda c: c.position).value
        return min(candidates, key=lambda c: (c.priority, c.position)).value

    # --- action --------------------------------------------------------------
    @staticmethod
    def _action(text: str, has_when: bool) -> Action | None:
        if _NOT_A_BOOKING.search(text):
            return None  # "don't book ...", "move my booking to ...": never read as a request to book
        if _CANCEL.search(text):
            return "cancel"
        if _LIST.search(text):
            return "list"
        if _BOOK.search(text):
            return "book"
        if _CHECK.search(text):
            return "check"
        if _LIST_WEAK.search(text):
            return "list"
        if has_when or _WEAK_BOOK.search(text):
            return "book"
        return None


_NOT_A_BOOKING = re.compile(
    r"\b(?:don'?t|do\s+not|never|no\s+need\s+to|not\s+to)\s+(?:\w+\s+){0,2}?(?:book|reserve)"
    r"|\b(?:move|reschedule|re-schedule|change|switch|swap|shift|postpone)\b.{0,40}?\b(?:booking|reservation)"
)


# --- small date helpers -----------------------------------------------------------


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _unit_days(unit: str) -> int:
    if unit.startswith("fortnight"):
        return 14
    if unit.startswith("week"):
        return 7
    return 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
