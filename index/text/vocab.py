"""One vocabulary of calendar and number words, shared by analysis, figures, features
and attribution, so a month or an ordinal is spelled in one place."""

from __future__ import annotations

MONTHS = (
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
MONTH_ABBREVIATIONS = tuple(m[:3] for m in MONTHS)  # "jan" ... "dec"
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # a leap year's
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ORDINAL_ONES = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
)
ORDINAL_TEENS = (
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
)
ORDINAL_TENS = (
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
)

# word -> value: one..nineteen, then the tens ("twenty" = 20)
NUMBER_WORDS = (
    {w: i for i, w in enumerate(ONES, 1)}
    | {w: i for i, w in enumerate(TEENS, 10)}
    | {w: i * 10 for i, w in enumerate(TENS, 2)}
)
# word -> value: first..nineteenth, then the tens ("twentieth" = 20)
ORDINAL_WORDS = (
    {w: i for i, w in enumerate(ORDINAL_ONES, 1)}
    | {w: i for i, w in enumerate(ORDINAL_TEENS, 10)}
    | {w: i * 10 for i, w in enumerate(ORDINAL_TENS, 2)}
)


def ordinal_suffix(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 22 -> "22nd"."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
