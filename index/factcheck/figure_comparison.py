"""Comparing two figures: whether they measure the same thing (`same_thing`) and whether
they agree (`same_value`). The rules are in `index.factcheck.figures`."""

from __future__ import annotations

import math

from index.factcheck.figure_patterns import MONTHS_IN, PERSON_NOUNS, SECONDS
from index.models import Figure, Value


def same_thing(a: Figure, b: Figure) -> bool:
    """Whether `a` and `b` measure the same kind of quantity, so their values may be compared.

    Same kind, and for counts units that match: equal, or one the head of the other ("member"
    and "staff member"), or one the modifier of a person noun ("staff" and "staff member"). A
    count with no unit matches only another count with no unit. Durations match within
    seconds..weeks or within months..years (a month is not a whole number of days). Money
    needs the same currency. Any two dates, weekdays, grades, ordinals, percents or years are
    the same thing.
    """
    if a.kind != b.kind:
        return False
    if a.kind == "count":
        return _units_match(a.unit, b.unit)
    if a.kind == "duration":
        return _duration_scale(a.unit) is not None and _duration_family(a.unit) == _duration_family(
            b.unit
        )
    if a.kind == "money":
        return a.unit == b.unit
    return True


def same_value(a: Figure, b: Figure) -> bool:
    """Whether `a` and `b` are the same thing (see `same_thing`) with equal normalised values.

    Numbers are compared with a relative tolerance of 1e-9 (so 25000 == 25,000 and 75% ==
    75 percent); durations after conversion ("one week" == "7 days"); dates by month and day,
    and by year too only when both have one ("February 7, 2021" == "Feb. 7", but
    "2021-02-07" != "2020-02-07").
    """
    if not same_thing(a, b):
        return False
    if a.kind == "duration":
        return _close(a.value, b.value, _duration_scale(a.unit), _duration_scale(b.unit))
    if a.kind == "date":
        return _same_date(str(a.value), str(b.value))
    if isinstance(a.value, int | float) and isinstance(b.value, int | float):
        return _close(a.value, b.value)
    return a.value == b.value


def _units_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    short, long = sorted((tuple(a.split()), tuple(b.split())), key=len)
    if short == long[len(long) - len(short) :]:
        return True
    return len(short) == 1 and long[-1] in PERSON_NOUNS and long[:-1] == short


def _duration_family(unit: str | None) -> str | None:
    if unit in SECONDS:
        return "seconds"
    return "months" if unit in MONTHS_IN else None


def _duration_scale(unit: str | None) -> int | None:
    if unit is None:
        return None
    return SECONDS.get(unit, MONTHS_IN.get(unit))


def _close(a: Value, b: Value, scale_a: int | None = 1, scale_b: int | None = 1) -> bool:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return a == b
    return math.isclose(a * (scale_a or 1), b * (scale_b or 1), rel_tol=1e-9, abs_tol=1e-9)


def _same_date(a: str, b: str) -> bool:
    if a[-5:] != b[-5:]:
        return False
    return len(a) == 5 or len(b) == 5 or a[:4] == b[:4]
