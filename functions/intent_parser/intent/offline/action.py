"""Step 7, the action: what the wording asks for, and whether it asks anything at all.

close (an imperative at the start: "close court B ...", "shut all courts ...", "please close
the club ..."; never "a court close to 5pm", "when do you close?", "don't close") > a history
of cancelled bookings ("my cancelled bookings", "bookings I cancelled", "what did I cancel")
> cancel > a history ("history", "my past bookings", "what did I play", "when did I last
play") > list (a list becomes a history in `parser` when it names days gone by: "what did I
book last week?") > ... Who may close is not the parser's business: the orchestrator checks. A waitlist ("put me on the
waitlist", "waitlist me") comes right after close; leaving one ("take me off the waitlist") is no action.

cancel > list (also questions about one's own bookings: "do I have anything on Friday?",
"what courts do I have booked?", "what have I got this week", "what's booked", "anything
booked for me?") > an explicit "book/reserve" > check wording ("what's
free", "any courts", "is ... available", "availability", open questions) > weaker list
wording > book when a date, time or window was given > null. "don't book", "move my
booking": never a booking. Wording that instructs the system ("ignore previous
instructions", `<system>`) is no request at all.

For a conversation: `asks` is the action the words ask for in so many words ("what
about ..." asks none), `carries_on` is wording that goes on from the last answer
("what about Friday?", "and Saturday?", "4pm then", "instead", "actually"), and `adds_on`
wording that adds to it rather than replaces it ("and wed", "Thursday too").
"""

from __future__ import annotations

import re

from courtbooking.models import Action, HistoryWhen

from .normalise import ANY_WEEKDAY, MAX_PARSE_CHARS

# Waiting for a taken start: "put me on the waitlist", "waitlist me", "add me to the waiting list".
_WAITLIST = re.compile(r"\bwait(?:ing)?[\s-]?list(?:ed|ing)?\b")
# Asking about one's waitlists is no join: "am I on the waitlist for friday?", "what's on my waitlist?".
_WAITLIST_QUESTION = re.compile(
    r"\b(?:am\s+i|are\s+we|is\s+my\s+name)\s+(?:still\s+)?(?:on|in)\s+(?:the|a|any|my)\b"
    r"|\bwhat(?:s|\s+is|\s+are)?\s+(?:on\s+)?my\s+wait|\b(?:show|list|see)\s+(?:me\s+)?my\s+wait"
)
_WAITLIST_HOW = re.compile(r"\bhow\s+(?:does|do|is)\b|\bwhat\s+is\s+(?:a|the)\s+wait")
# Leaving one is not joining it ("take me off the waitlist", "leave the waiting list", "cancel my waitlist").
_LEAVE_WAITLIST = re.compile(
    r"\b(?:off|leave|leaving|remove|drop|quit|out\s+of|cancel\w*|delete|no\s+longer|don'?t|do\s+not|not)\b"
    r".{0,30}?\bwait(?:ing)?[\s-]?list"
)
# An admin's closure: "close"/"shut" said first (after "please", "can you", "I want to" ...), of a court,
# the courts or the club. Not "close to", "close by", "close my booking", nor a question about hours.
_POLITE = (
    r"(?:(?:please|pls|kindly|can|could|would|will|you|we|i|need|want|wanna|like|id|to|lets|ok|okay|hi|hey|so|now)\s+)*"
)
_CLOSE = re.compile(
    rf"^{_POLITE}(?:close|shut)(?:\s+(?:down|off|up))?\s+(?!(?:to|by|at|early|soon|now|my|our|it|this|that)\b)"
    r"(?P<what>(?:(?:the|all|every|of|whole|entire)\s+)*"
    r"(?:[a-z]+\s+courts?|courts?|club|facility|venue|centre|center|site|everything))\b"
    rf"|^{_POLITE}(?:block\s+(?:off|out)|take\s+(?:out|down))\s+"
    r"(?P<blocked>(?:(?:the|all|every)\s+)*(?:[a-z]+\s+courts?|courts?|club))\b"
    rf"|^{_POLITE}(?:(?:add|make|create|set\s+up|put\s+in)\s+)?(?:an?\s+|new\s+)*closure\b"
)
# What a closure of every court says: "all courts", "the courts", "the club", "everything".
_EVERY_COURT = re.compile(
    r"(?:(?:the|all|every|of|whole|entire)\s+)*(?:courts|club|facility|venue|centre|center|site|everything)"
    r"|(?:all|every|the\s+whole|the\s+entire)\s+(?:of\s+the\s+)?court"
)
# Bookings that were cancelled: "my cancelled bookings", "bookings I cancelled", "what did I cancel".
_CANCELLED = re.compile(
    r"\bcancell?ed\s+(?:bookings?|reservations?|games?|sessions?|ones?|courts?)\b"
    r"|\b(?:bookings?|reservations?|games?|sessions?|ones?|what|which|anything)\s+(?:that\s+)?"
    r"(?:i|we|ive|weve)\s+(?:have\s+|had\s+)?cancell?ed\b"
    r"|\b(?:what|which)\b(?:\s+\w+){0,2}?\s+(?:did|have|had)\s+(?:i|we)\s+cancel(?:l?ed)?\b"
    r"|\b(?:was|were|has|have)\s+(?:(?:my|our|any|of|the)\s+)+(?:\w+\s+){0,3}?(?:bookings?|reservations?)\s+"
    r"(?:been\s+)?cancell?ed\b"
    r"|\b(?:my|our)\s+cancellations\b|\bcancell?ations?\s+history\b"
)
# One's bookings gone by, said in so many words (before the list wording: "show my past bookings").
_HISTORY = re.compile(
    r"\bhistory\b"
    r"|\b(?:past|previous|old|older|earlier|former|played)\s+(?:bookings?|reservations?|games?|sessions?|matches)\b"
    r"|\b(?:what|which|where|when|how\s+(?:many|often))\b(?:\s+\w+){0,2}?\s+(?:did|have|had)\s+(?:i|we)\s+"
    r"(?:last\s+|already\s+|ever\s+)?play(?:ed)?\b"
    r"|\b(?:did|have)\s+(?:i|we)\s+(?:ever\s+|already\s+)?play(?:ed)?\s+(?:on|at|in|last|yesterday|this)\b"
    r"|\b(?:bookings?|games?|matches|sessions?)\s+(?:that\s+)?(?:i|we|ive|weve)\s+(?:have\s+|had\s+)?(?:played|had)\b"
    r"|\b(?:bookings?|reservations?|games?|sessions?)\s+(?:(?:i|we)\s+(?:made|had)\s+)?"
    r"(?:since|last\s+(?:week|month|year|weekend)|(?:in\s+)?the\s+(?:last|past)\s+\d*\s*\w+)\b"
)
# Weaker, after the booking words ("book the court I played on" is a booking).
_HISTORY_WEAK = re.compile(
    r"\b(?:courts?|times?|everything|anything)\s+(?:that\s+)?(?:i|we|ive|weve)\s+(?:have\s+)?played\b"
)

_CANCEL = re.compile(
    r"\bcancel\w*|\bcall\s+off\b|\bun-?book\b|\b(?:delete|remove|scrap|drop|ditch)\s+(?:my|the|our|that|this)\b"
    rf"|\b(?:cant|cannot|can\s+not|wont|will\s+not)\s+make\s+(?:it|my|the|our|today|tonight|tomorrow|{ANY_WEEKDAY})\b"
    r"|\bno\s+longer\s+(?:need|want|coming)\b"
)
_LIST = re.compile(
    r"\b(?:my|our)\s+(?:upcoming\s+|current\s+|existing\s+|future\s+|next\s+|court\s+)?(?:bookings?|reservations?)\b"
    r"|\bwhat\s+(?:have|did|do)\s+(?:i|we)\s+(?:got\s+)?(?:booked|book|reserved|reserve)\b"
    r"|\bwhat\s+(?:i|we)\s+(?:have\s+)?booked\b"
    r"|\bwhat\s+(?:am|are)\s+(?:i|we)\s+booked\b|\bwhen\s+am\s+i\s+(?:playing|booked)\b|\bam\s+i\s+booked\b"
    r"|\b(?:do|have)\s+(?:i|we)\s+(?:got\s+|have\s+)?(?:any(?:thing)?|a)\s+(?:bookings?|reservations?|booked)\b"
    r"|\b(?:show|list|see|view)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:my|our)\b"
    # questions about one's own bookings: "do I have anything on Friday?", "what courts do I have booked?"
    r"|\b(?:do|have)\s+(?:i|we)\s+(?:got\s+|have\s+)?anything\s+(?:on|booked|planned|coming\s+up|in\s+the\s+diary)\b"
    r"|\b(?:do|have)\s+(?:i|we)\s+(?:got\s+|have\s+)?(?:a|any)\s+(?:courts?|games?|sessions?)\s+(?:booked\b|on\b)"
    r"(?![^?]*\b(?:free|available|open|spare)\b)"
    r"|\bwhat\s+(?:courts?\s+|times?\s+|slots?\s+)?(?:do|have|did)\s+(?:i|we)\s+(?:got\s+|have\s+)?"
    r"(?:booked|reserved|on\b)"
    r"|\b(?:what|which)\s+(?:courts?|slots?|times?)\s+(?:have|did)\s+(?:i|we)\s+(?:booked|book|reserved)\b"
    r"|\b(?:list|show)\s+(?:me\s+)?(?:everything|all|anything|what)\s+(?:that\s+)?(?:i|we|ive|weve)\s+(?:have|got|booked)"
    r"|\bam\s+i\s+playing\b|\banything\s+(?:in|under)\s+my\s+name\b|\bwhen(?:s|\s+is)\s+my\s+next\b"
    r"|\bwhats\s+(?:in|on)\s+my\s+(?:diary|calendar|schedule)\b"
    # what one has got or booked, said without "booked" or without a subject: "what have I got this week",
    # "what's booked", "anything booked for me?", "have I booked court A?"
    r"|\bwhat\s+(?:have|do)\s+(?:i|we)\s+(?:got|have)\b(?![^?]*\b(?:free|available|open|spare)\b)"
    r"|\bwhat(?:s|\s+is|\s+are)\s+(?:booked|reserved)\b"
    r"|\b(?:booked|reserved|bookings?|reservations?)\s+(?:for|by|under)\s+(?:me|us|myself)\b"
    r"|\b(?:have|did)\s+(?:i|we)\s+(?:already\s+)?(?:booked|reserved)\b"
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
    r"\b(?:free|available|availability|availabilities|vacant|vacancy|vacancies|open|closed|taken|busy|booked|full|spare)\b"
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


_NOT_A_BOOKING = re.compile(
    r"\b(?:don'?t|do\s+not|never|no\s+need\s+to|not\s+to)\s+(?:\w+\s+){0,2}?(?:book|reserve)"
    r"|\b(?:move|reschedule|re-schedule|change|switch|swap|shift|postpone)\b.{0,40}?\b(?:booking|reservation)"
)


_ABOUT = re.compile(r"\b(?:what|how)\s+about\b")
_ADDS_ON = re.compile(r"^(?:and|also|plus)\b|\b(?:too|as\s+well|also)\W*$")
_CARRIES_ON = re.compile(r"^(?:and|or|so|but|ok|okay|then)\b|\b(?:what|how)\s+about\b|\b(?:then|instead|actually)\b")


def is_instruction(normal: str, message: str) -> bool:
    """Wording that tries to instruct the system rather than ask for a court (`normal` is the normalised message)."""
    return bool(_INJECTION.search(normal) or _ROLE_MARKUP.search(message[:MAX_PARSE_CHARS]))


def action(text: str, has_when: bool) -> Action | None:
    """The action `text` (the normalised message) asks for; `has_when` when it gave a date, time or window."""
    if _CLOSE.search(text):
        return "close"
    if _WAITLIST.search(text):
        if _WAITLIST_QUESTION.search(text):
            return "list"  # "am I on the waitlist?", "what's on my waitlist?": what they wait for, joining nothing
        if _WAITLIST_HOW.search(text):
            return None  # "how does the waitlist work?" asks nothing of the bookings
        return None if _LEAVE_WAITLIST.search(text) else "waitlist"
    if _CANCELLED.search(text):
        return "history"
    if _NOT_A_BOOKING.search(text):
        return None  # "don't book ...", "move my booking to ...": never read as a request to book
    if _CANCEL.search(text):
        return "cancel"
    if _HISTORY.search(text):
        return "history"
    if _LIST.search(text):
        return "list"
    if _BOOK.search(text):
        return "book"
    if _HISTORY_WEAK.search(text):
        return "history"
    if _CHECK.search(text):
        return "check"
    if _LIST_WEAK.search(text):
        return "list"
    if has_when or _WEAK_BOOK.search(text):
        return "book"
    return None


def closes_a_court(text: str) -> str | None:
    """The court a closure names in its own words ("centre court", "the court"), when it is not every
    court ("all courts", "the club"): None for every court, or when the words name none."""
    match = _CLOSE.search(text)
    what = match.group("what") or match.group("blocked") if match is not None else None
    if not what or _EVERY_COURT.fullmatch(what):
        return None
    return what


def history_of(text: str) -> HistoryWhen:
    """Which bookings a history asks for: the cancelled ones when it says so, else those played."""
    return "cancelled" if _CANCELLED.search(text) else "past"


def asks(text: str) -> Action | None:
    """The action the words of `text` ask for in so many words; "what about Friday?" asks none."""
    return action(_ABOUT.sub(" ", text), False)


def asks_about(text: str) -> bool:
    """A question about another day, time or court: "what about Friday?", "how about 4pm?"."""
    return _ABOUT.search(text) is not None


def adds_on(text: str) -> bool:
    """Wording that adds to the last answer rather than replaces it: "and wed", "also Thursday", "Friday too"."""
    return _ADDS_ON.search(text) is not None


def carries_on(text: str) -> bool:
    """Wording that goes on from the last answer: "what about ...", "and ...", "then", "instead", "actually"."""
    return _CARRIES_ON.search(text) is not None
