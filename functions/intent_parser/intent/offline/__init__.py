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

The modules, in reading order: `normalise` (step 1, and the vocabulary), `courts`
and `durations` (step 2), `dates` (3), `times` (4 to 6; day parts are read before
windows so that they can decide am/pm), `action` (7). Each reader adds typed
candidates to a `scan.Scan`; `parser.OfflineParser` runs them and combines the
candidates into one `Intent`.
"""

from .normalise import normalise
from .parser import OfflineParser

__all__ = ["OfflineParser", "normalise"]
