"""The offline intent parser: deterministic rules, no network, no model files.

How a message is read (each step masks what it consumed, so "court 2" is never
read as 2 o'clock and "3 December" never as 3 o'clock):

1. normalise: NFKC, lower case, curly quotes and dashes, emoji and stray
   punctuation dropped, "p.m." -> "pm", and a word-by-word table that turns
   misspellings and short forms into one spelling ("tmrw" -> "tomorrow",
   "weds" -> "wednesday", "sept" -> "september", "two" -> "2", "fifth" -> "5th";
   "one" is 1 only where a number is meant, "at one", "one pm": "book one tomorrow",
   "the saturday one" keep "one", a pronoun);
2. court ("Court B", "court b", "ct 2"; a court not configured is named, "Court D";
   the plural "courts" never names one),
   the offer taken by its place when the conversation has offers ("the second one",
   "the later one"), relative instants ("in two hours"), durations ("for 90 minutes",
   "2h30"; "15h" is left to the times);
3. dates: ISO and numeric, month-name dates, holidays, offsets ("in 3 days",
   "a week from today", "a fortnight"), today/tomorrow, weekdays with
   this/next/after next/"next week", the weekend, ordinal days ("the 4th"); for a
   history, a closure or a list, periods around them ("last month", "14 to 18
   December", "since Monday");
4. windows and ranges ("between 4 and 6pm", "after 5", "before noon");
5. exact times ("3pm", "9.30am", "1500", "15h30", "half past four", "at 3", "3 o'clock",
   a bare hour that carries on: "and 7?", "5 instead"), then self-corrections
   ("at 5, no wait, 6": a bare number is what it corrects);
6. day parts ("tomorrow morning", "tonight"), which also decide am/pm for a
   bare hour; a bare hour is otherwise read inside the opening hours;
7. the action from the wording (questions about one's own bookings are a list; about
   those gone by, a history: "what did I play last month?"; an admin's "close court B
   ..." a closure, with its reason), and a bare yes or no ("sure", "no thanks");
8. the conversation, when a context is given: a move ("move my 5pm to Thursday",
   "actually court B" about the booking in focus), an offer taken by its time or court
   ("ok 4pm then", "court C"), an answer to "Which booking?", or a follow-up that
   inherits what it does not say ("5pm" after "What time?", "what about Friday?");
   a fresh request takes only the day in focus. After a booking a follow-up without
   words that book or move is a check ("what about 7?"); "cancel that" with only offers
   pending declines them; "and wed" continues a sequence of days from the day in focus.
   Without a context a message is read on its own, as before conversations: no move,
   nothing inherited.

A candidate after "actually"/"sorry"/"no wait" wins over the ones before it; one just
after "not" is read but never offered. Impossible values ("February 30th", "25:00")
are remembered as impossible, so the answer is null rather than some other guess from
the same message, and `Intent.impossible` quotes them as written. Everything is
resolved in the facility's time zone from `now`.

The modules, in reading order: `normalise` (step 1, and the vocabulary), `courts`,
`offers` and `durations` (step 2), `dates` and `periods` (3), `times` (4 to 6; day parts
are read before windows so that they can decide am/pm), `corrections` (5), `action`,
`replies` and `closures` (7), `conversation` and `moves` (8). Each reader adds typed candidates to a
`scan.Scan`; `parser.OfflineParser` runs them, combines the candidates into one
`scan.Reading`, resolves it in the conversation and answers one `Intent`.
"""

from .normalise import normalise
from .parser import OfflineParser

__all__ = ["OfflineParser", "normalise"]
