"""Figures out of news text, normalised so that equal things compare equal.

`extract(text)` finds the figures a passage states, each with its offsets into the original
text and a normalised, JSON-serialisable value; `same_thing(a, b)` says whether two figures
measure the same kind of quantity (so that their values may be compared) and `same_value(a, b)`
whether they agree. Fact-check mode uses them to set a claim's figures against an article's.

Kinds and their values:

* ``count``: a number and the noun it counts. "25,000 members" -> 25000, unit "member";
  "1.5 million people" -> 1500000, "peopl"; "two sides" -> 2, "side". The unit is the stemmed
  noun after the number (Snowball); a noun compound ending in a plural is kept whole, so
  "1,500 staff members" -> "staff member" and "65,000 Counterfeit N95 Masks" ->
  "counterfeit n95 mask"; a compound stops at a verb ("5 staff receive vaccines" -> "staff").
  A number with no noun after it ("Queen Redd, 38,") is a count with unit None. Number words
  count only before a noun, and never "one" (as often a determiner: "one issue", "no one").
* ``percent``: "75%", "75 percent", "per cent" -> 75.0 (float).
* ``money``: "$1.5 million", "40 dollars" -> 1500000.0, 40.0 (float), unit "USD".
* ``duration``: a number of seconds, minutes, hours, days, weeks, months or years:
  "45 minutes" -> 45, unit "minute"; "one week" -> 1, "week"; "a 45-minute drive" too.
  Ages ("38 years old", "38-year-old") are not durations and give no figure at all.
* ``date``: "Feb. 22", "February 22", "3/1" (US order, month first) -> "02-22", "03-01";
  with a year, "February 7, 2021" and "3/1/21" -> "2021-02-07", "2021-03-01". Lowercase month
  names count ("march 8"), except "may", which is the verb unless it is written "May". A
  fraction before "of" or "majority" ("2/3 of members") is no date, and neither is "24/7".
* ``weekday``: "Thursday", "Mondays" -> "thursday", "monday".
* ``grades``: a school grade or range of grades, canonically "PK", "K", "1".."12", "K-5",
  "6-8", "PK-8": "K-5", "K–5", "6-8th", "K-8th grade", "pre-K", "pre-kindergarten",
  "kindergarten through fifth grade", "Grades 6 through 8", "Kindergartners through eighth
  graders", "eighth grader" -> "8". A bare digit range ("6-8") is a grade range only with a
  grade word around it ("grades 6-8", "6-8 graders") or an ordinal suffix ("6-8th"); "K-9" is
  the police dog, not a range.
* ``ordinal``: "fifth", "5th" -> 5. Not when the ordinal names a street ("119th Street",
  "3rd Ave."), nor a ward, district, precinct or amendment written with a capital.
* ``year``: a bare four-digit number 1900..2099, written without a comma, read as a year
  (AP style writes 2,000 with one) -> 2021 (int). It is a count instead when a plural noun
  follows and no "in/since/by..." precedes it ("2000 members", but "in 2020 teachers").

Rules:

* Matching runs on `analysis.normalize(text)`, which makes curly quotes, dashes and odd spaces
  (NBSP) plain one character for one, so offsets index the original: `text[f.start:f.end] ==
  f.text`. An em dash separates; an en dash joins like a hyphen ("K–5").
* A qualifier before a number ("more than", "at least", "nearly", ...) is kept in `text`; the
  value is the number itself ("more than 70%" -> 70.0).
* Figures never overlap: where readings compete, the leftmost wins, then the longest, then the
  more specific kind (date, grades, money, percent, duration, weekday, ordinal, count, year).
* Not figures: digits glued to letters or to a hyphen ("N95", "COVID-19", "I-57",
  "@DanaCBS2", "2020-21"), a number after a station or label ("CBS 2", "Channel 7", "Route
  66", "Phase 2"), clock times ("9:30", "9 a.m."). A comma joins digits only as a thousands
  separator: "1, Killed" is the count 1 and then a word, "1,50" is nothing.
* Comparing (details in `same_thing` and `same_value`): values are compared only between the
  same thing. Count units match when equal, when one is the head of the other ("member" and
  "staff member"), or when one is the modifier of a person noun ("staff" and "staff member");
  a unit-less count matches only another unit-less count. Durations convert (a week is 7
  days, a year 12 months, but months and days never meet). A date without a year equals the
  same month and day in any year; two dates with years must agree on the year too. Numbers
  are equal within a relative tolerance of 1e-9.

This module is the public face; the work is in `figure_patterns` (vocabulary and regular
expressions), `figure_reading` (`extract`) and `figure_comparison` (`same_thing`,
`same_value`).
"""

from __future__ import annotations

from index.factcheck.figure_comparison import same_thing, same_value
from index.factcheck.figure_reading import extract
from index.models import Figure

__all__ = ["KINDS", "Figure", "extract", "same_thing", "same_value"]

KINDS = ("count", "percent", "money", "duration", "date", "weekday", "grades", "ordinal", "year")
