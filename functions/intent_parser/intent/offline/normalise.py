"""Step 1, normalise: one spelling for every word, so the readers after it match one form.

NFKC (full-width digits), lower case, curly quotes and dashes, emoji and stray
punctuation dropped, "p.m." -> "pm", then a word-by-word table: misspellings and
short forms ("tmrw" -> "tomorrow", "weds" -> "wednesday", "sept" -> "september"),
number words ("two" -> "2", "twenty-first" -> "21st"; "one" only where a number is meant,
see below), and every one-edit
misspelling of the long day and month words ("tmorrow", "satruday"), generated at
import. The canonical day and month names are defined here for the readers.
`as_written` goes back the other way: the words of a message that normalise to a phrase,
to quote what a person wrote ("feb 30th").

"one" is a number ("1") only when the words around it make it one: a time, length or
count follows ("one o'clock", "one pm", "one thirty", "one hour", "one court", "one to
three"), or a word that takes a number comes before ("at one", "until one", "half past
one", "12 or one", "court one", "option one"). Anywhere else it is a pronoun and stays
"one": "book one tomorrow evening" (a court), "the saturday one", "the 5pm one".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

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
    "what": ("what", "wot", "wat", "wut", "wht"),
    "whats": ("whats", "wots", "wats", "wuts", "whts"),
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
WEEKDAY_INDEX: Final = {name: i for i, name in enumerate(WEEKDAY_NAMES)}
MONTH_INDEX: Final = {name: i + 1 for i, name in enumerate(MONTH_NAMES)}
# Regex alternations of the canonical names, for the readers' patterns.
ANY_WEEKDAY: Final = "|".join(WEEKDAY_NAMES)
ANY_MONTH: Final = "|".join(MONTH_NAMES)


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
# "one" is the number 1 only after a word that takes a number ("at one", "half past one", "court one",
# "12 or one") or before a time, length or count ("one pm", "one thirty", "one hour", "one court").
_ANY_NUMBER_WORD = "|".join(_NUMBER_WORDS)
_BEFORE_NUMBER_ONE = re.compile(
    r"(?:\b(?:at|around|about|approx|approximately|roughly|say|from|by|till|til|until|before|after|between|past"
    r"|half|than|court|crt|ct|option|number|choice|num)|#"
    rf"|(?:\d|\bnoon|\bmidday|\bquarter|\b(?:{_ANY_NUMBER_WORD}))(?:\s*[ap]m)?\s+(?:and|or|to|-))\s*$"
)
_NUMBER_AFTER = re.compile(
    r"\s*(?:oclock|o\s|am|pm|ish|hours?|hrs?|h|minutes?|mins?|days?|weeks?|fortnights?|months?|courts?|people"
    r"|players?|persons?|and\s+a\s+half|thirty|fifteen|forty|fortyfive|fifty|\d{2})\b|\s*[:.]\d"
    rf"|\s*(?:-|to|till|til|until|or)\s*(?:\d|noon|midday|(?:{_ANY_NUMBER_WORD})\b)"
)


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
    if word == "one" and not _number_one(match):
        return word  # "book one tomorrow", "the saturday one": a pronoun, not 1 o'clock
    return _TOKEN_MAP.get(word, word)


# "the second one", "the 2nd one", "the last one to 5pm": a pronoun after an ordinal, whatever follows.
_ORDINAL_BEFORE = re.compile(
    rf"\b(?:{'|'.join(_ORDINAL_WORDS)}|\d{{1,2}}(?:st|nd|rd|th)|last|later|latest|earlier|earliest|other)\s+$"
)


def _number_one(match: re.Match[str]) -> bool:
    """Whether this "one" is the number 1: a word before it takes a number, or a time or unit follows."""
    text, start = match.string, match.start()
    if _ORDINAL_BEFORE.search(text, max(0, start - 16), start):
        return False
    return _BEFORE_NUMBER_ONE.search(text, max(0, start - 16), start) is not None or bool(
        _NUMBER_AFTER.match(text, match.end())
    )


def _compound_number(match: re.Match[str]) -> str:
    tens = _NUMBER_WORDS[match.group(1)]
    unit = match.group(2)
    if unit in _UNIT_ORDINALS:
        return _ordinal(tens + _UNIT_ORDINALS.index(unit) + 1)
    return str(tens + _UNITS.index(unit) + 1)


_TOKEN = re.compile(r"\S+")


def as_written(message: str, phrase: str) -> str:
    """The words of `message` that normalise to `phrase` ("feb 30th" for "february 30th"), trimmed;
    `phrase` itself when no run of whole words does."""
    tokens = list(_TOKEN.finditer(message[:MAX_PARSE_CHARS]))
    words = [normalise(token.group()).replace(",", " ").replace("?", " ").split() for token in tokens]
    wanted = phrase.split()
    for first in range(len(tokens)):
        found: list[str] = []
        last = first
        while last < len(tokens) and len(found) < len(wanted):
            found += words[last]
            last += 1
        if found == wanted and words[first]:
            return message[tokens[first].start() : tokens[last - 1].end()].strip(" ,.?!;:")
    return phrase
