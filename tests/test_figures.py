"""Figures: found with their unit, normalised, never invented out of names and codes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.factcheck.figures import KINDS, Figure, extract, same_thing, same_value
from tests.conftest import SEEDS


def figures(text: str) -> list[tuple[str, str, object, str | None]]:
    """(text, kind, value, unit) of each figure, after checking its offsets."""
    found = extract(text)
    for f in found:
        assert text[f.start : f.end] == f.text
    return [(f.text, f.kind, f.value, f.unit) for f in found]


def one(text: str) -> Figure:
    found = extract(text)
    assert len(found) == 1, found
    return found[0]


def seed_paragraph(start: str) -> str:
    """The seed paragraph that begins with `start` (so a test quotes the real text)."""
    paragraphs = [
        p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text("utf-8").split("\n\n")
    ]
    found = [p.strip() for p in paragraphs if p.strip().startswith(start)]
    assert found, start
    return found[0]


# ---------------------------------------------------------------- what is recognised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # counts
        ("its 25,000 members", ("25,000 members", "count", 25000, "member")),
        ("25000 members", ("25000 members", "count", 25000, "member")),
        ("1,500 staff members each week", ("1,500 staff members", "count", 1500, "staff member")),
        ("2,000 staff will be vaccinated", ("2,000 staff", "count", 2000, "staff")),
        ("the 36,000 spaces assessed", ("36,000 spaces", "count", 36000, "space")),
        (
            "the nearly 20,000 classrooms checked",
            ("nearly 20,000 classrooms", "count", 20000, "classroom"),
        ),
        ("the two sides have yet", ("two sides", "count", 2, "side")),
        ("1.5 million people", ("1.5 million people", "count", 1_500_000, "peopl")),
        ("twenty-five members", ("twenty-five members", "count", 25, "member")),
        ("1,500 vaccinations for", ("1,500 vaccinations", "count", 1500, "vaccin")),
        ("5 staff receive vaccines", ("5 staff", "count", 5, "staff")),
        # percentages
        ("75%", ("75%", "percent", 75.0, None)),
        ("75 percent of requests", ("75 percent", "percent", 75.0, None)),
        ("75 per cent", ("75 per cent", "percent", 75.0, None)),
        ("a 2.5% rate", ("2.5%", "percent", 2.5, None)),
        ("more than 70% of those teachers", ("more than 70%", "percent", 70.0, None)),
        ("at least 75% of its membership", ("at least 75%", "percent", 75.0, None)),
        ("ten percent", ("ten percent", "percent", 10.0, None)),
        # money
        ("$1.5 million", ("$1.5 million", "money", 1_500_000.0, "USD")),
        ("$40", ("$40", "money", 40.0, "USD")),
        ("a $2,000 bonus", ("$2,000", "money", 2000.0, "USD")),
        ("40 dollars", ("40 dollars", "money", 40.0, "USD")),
        # durations
        ("45 minutes", ("45 minutes", "duration", 45, "minute")),
        ("at least 45 minutes away", ("at least 45 minutes", "duration", 45, "minute")),
        ("one week prior", ("one week", "duration", 1, "week")),
        ("two weeks", ("two weeks", "duration", 2, "week")),
        ("3 hours", ("3 hours", "duration", 3, "hour")),
        ("a 45-minute drive", ("45-minute", "duration", 45, "minute")),
        ("1.5 hours", ("1.5 hours", "duration", 1.5, "hour")),
        # dates
        ("Feb. 22", ("Feb. 22", "date", "02-22", None)),
        ("February 22", ("February 22", "date", "02-22", None)),
        ("Feb 22", ("Feb 22", "date", "02-22", None)),
        ("March 1", ("March 1", "date", "03-01", None)),
        ("March 1st", ("March 1st", "date", "03-01", None)),
        ("return 3/1.", ("3/1", "date", "03-01", None)),
        ("class march 8.", ("march 8", "date", "03-08", None)),
        ("3/8", ("3/8", "date", "03-08", None)),
        ("February 7, 2021", ("February 7, 2021", "date", "2021-02-07", None)),
        ("3/1/21", ("3/1/21", "date", "2021-03-01", None)),
        ("Sept. 30, 2020", ("Sept. 30, 2020", "date", "2020-09-30", None)),
        ("May 5", ("May 5", "date", "05-05", None)),
        # weekdays
        ("Thursday", ("Thursday", "weekday", "thursday", None)),
        ("back Monday", ("Monday", "weekday", "monday", None)),
        ("on Mondays", ("Mondays", "weekday", "monday", None)),
        # grades
        ("K-5 students", ("K-5", "grades", "K-5", None)),
        ("K\u20135 students", ("K\u20135", "grades", "K-5", None)),
        ("6-8th graders", ("6-8th graders", "grades", "6-8", None)),
        ("Teachers in K-8th grade", ("K-8th grade", "grades", "K-8", None)),
        ("K-8 students", ("K-8", "grades", "K-8", None)),
        ("grades 6-8", ("grades 6-8", "grades", "6-8", None)),
        ("pre-K and cluster", ("pre-K", "grades", "PK", None)),
        ("Pre-K and cluster", ("Pre-K", "grades", "PK", None)),
        ("pre-kindergarten students", ("pre-kindergarten", "grades", "PK", None)),
        ("pre-K-8", ("pre-K-8", "grades", "PK-8", None)),
        (
            "kindergarten through fifth grade",
            ("kindergarten through fifth grade", "grades", "K-5", None),
        ),
        (
            "Kindergarten through 5th grade",
            ("Kindergarten through 5th grade", "grades", "K-5", None),
        ),
        ("sixth through eighth grade", ("sixth through eighth grade", "grades", "6-8", None)),
        ("Grades 6 through 8", ("Grades 6 through 8", "grades", "6-8", None)),
        (
            "Kindergartners through eighth graders",
            ("Kindergartners through eighth graders", "grades", "K-8", None),
        ),
        ("My current eighth grader", ("eighth grader", "grades", "8", None)),
        ("Grade 5 students", ("Grade 5", "grades", "5", None)),
        ("kindergarten", ("kindergarten", "grades", "K", None)),
        # ordinals
        ("fifth", ("fifth", "ordinal", 5, None)),
        ("5th", ("5th", "ordinal", 5, None)),
        ("a third wave", ("third", "ordinal", 3, None)),
        ("twenty-first century", ("twenty-first", "ordinal", 21, None)),
        # years
        ("2021", ("2021", "year", 2021, None)),
        ("the 2019 strike", ("2019", "year", 2019, None)),
        ("in 2020 teachers struck", ("2020", "year", 2020, None)),
        ("2000 members", ("2000 members", "count", 2000, "member")),
    ],
)
def test_figure_is_recognised_and_normalised(text, expected):
    assert figures(text) == [expected]


def test_offsets_index_the_original_text():
    text = "Kindergarten through fifth grade staff will return to work Feb. 22."
    first, second = extract(text)
    assert (first.start, first.end) == (0, len("Kindergarten through fifth grade"))
    assert text[second.start : second.end] == "Feb. 22" == second.text


def test_figures_come_in_order_and_never_overlap():
    found = extract("K-5 students return 3/1. 6-8th graders return 3/8, about 25,000 members.")
    assert [f.text for f in found] == ["K-5", "3/1", "6-8th graders", "3/8", "about 25,000 members"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_values_are_json_serialisable():
    text = seed_paragraph("Meanwhile, CPS has offered") + " $1.5 million, 2.5%, 45 minutes."
    values = [f.value for f in extract(text)]
    assert json.loads(json.dumps(values)) == values


# ---------------------------------------------------------------- traps


@pytest.mark.parametrize(
    "text",
    [
        "119th Street",
        "near 119th street",
        "3rd Ave.",
        "12th Ward",
        "I-57",
        "I-57 Expressway",
        "COVID-19",
        "a COVID-19 vaccine",
        "N95",
        "N95 Masks",
        "@DanaCBS2",
        "(@DanaCBS2)",
        "CBS 2",
        "CBS 2\u2019s Dana Kozlov",
        "CBS 2 Chicago Staff",
        "Channel 7 news",
        "Route 66",
        "9:30",
        "at 9 a.m. sharp",
        "the 2020-21 school year",
        "24/7",
        "13/45",
        "a 38-year-old woman",
        "38 years old",
        "one issue",
        "no one",
        "approved one.",
        "Both sides met",
        "a 6-8 vote",
        "a K-9 unit",
        "March",
        "in December",
        "1990s",
        "3D",
        "5G",
        "2/3 of members",
        "1,50",
        "1.2.3",
    ],
)
def test_no_figure_in(text):
    assert figures(text) == []


def test_a_number_before_a_comma_is_never_joined_with_what_follows():
    text = "READ MORE: At Least 15 Shot, 1 Killed In Weekend Violence In Chicago"
    assert figures(text) == [
        ("At Least 15 Shot", "count", 15, "shot"),
        ("1 Killed", "count", 1, "kill"),
    ]
    assert figures("1, Killed") == [("1", "count", 1, None)]


def test_lowercase_may_is_the_verb_not_the_month():
    assert figures("teachers may 5") == [("5", "count", 5, None)]
    assert figures("on May 5") == [("May 5", "date", "05-05", None)]


def test_an_age_is_a_bare_count_never_merged_with_its_neighbours():
    text = "READ MORE: MISSING: Queen Redd, 38, Last Seen In Hyde Park In December"
    assert figures(text) == [("38", "count", 38, None)]


def test_headline_with_highway_and_street():
    text = "MORE NEWS: 1 Dead, 2 Injured In I-57 Expressway Shooting Near 119th Street"
    assert figures(text) == [("1 Dead", "count", 1, "dead"), ("2 Injured", "count", 2, "injur")]


def test_code_names_inside_a_unit_are_no_figures_of_their_own():
    text = "Feds Seize 65,000 Counterfeit N95 Masks At O'Hare International Airport"
    assert figures(text) == [
        ("65,000 Counterfeit N95 Masks", "count", 65000, "counterfeit n95 mask")
    ]
    assert figures("First Case Of Brazil Variant Of COVID-19 Confirmed In Illinois") == [
        ("First", "ordinal", 1, None)
    ]


# ---------------------------------------------------------------- unicode


def test_nbsp_curly_quotes_and_dashes():
    assert figures("determined\u00a094% of the 36,000 spaces") == [
        ("94%", "percent", 94.0, None),
        ("36,000 spaces", "count", 36000, "space"),
    ]
    assert figures("CTU\u2019s 25,000\u00a0members") == [
        ("25,000\u00a0members", "count", 25000, "member")
    ]
    assert figures("return\u2014K\u20135 on \u201cMarch 1\u201d") == [
        ("K\u20135", "grades", "K-5", None),
        ("March 1", "date", "03-01", None),
    ]


def test_a_line_break_inside_a_figure_is_allowed_but_not_a_blank_line():
    assert figures("its 25,000\nmembers") == [("25,000\nmembers", "count", 25000, "member")]
    assert figures("its 25,000\n\nmembers") == [("25,000", "count", 25000, None)]


# ---------------------------------------------------------------- seed articles


def test_seed_safety_assessment():
    text = seed_paragraph("CPS officials also have said an assessment")
    assert figures(text) == [
        ("94%", "percent", 94.0, None),
        ("36,000 spaces", "count", 36000, "space"),
        ("99%", "percent", 99.0, None),
        ("nearly 20,000 classrooms", "count", 20000, "classroom"),
    ]


def test_seed_gradual_transition():
    text = seed_paragraph("CPS CEO Dr. Janice Jackson said the return")
    assert figures(text) == [
        ("Pre-kindergarten", "grades", "PK", None),
        ("Thursday", "weekday", "thursday", None),
        ("Kindergarten through fifth grade", "grades", "K-5", None),
        ("Feb. 22", "date", "02-22", None),
        ("March 1", "date", "03-01", None),
        ("Sixth through eighth grade", "grades", "6-8", None),
        ("March 1", "date", "03-01", None),
        ("march 8", "date", "03-08", None),
    ]


def test_seed_tweet():
    text = seed_paragraph("CPS CEO Dr. Janice Jackson announces")
    assert figures(text) == [
        ("Pre-K", "grades", "PK", None),
        ("Thursday", "weekday", "thursday", None),
        ("K-5", "grades", "K-5", None),
        ("3/1", "date", "03-01", None),
        ("6-8th graders", "grades", "6-8", None),
        ("3/8", "date", "03-08", None),
        ("one week", "duration", 1, "week"),
        ("February 7, 2021", "date", "2021-02-07", None),
    ]


def test_seed_vaccinations():
    text = seed_paragraph("Jackson said 2,000 staff")
    assert figures(text) == [
        ("2,000 staff", "count", 2000, "staff"),
        ("1,500 staff members", "count", 1500, "staff member"),
    ]


def test_seed_new_schedule():
    text = seed_paragraph("Meanwhile, CPS has offered")
    assert figures(text) == [
        ("pre-kindergarten", "grades", "PK", None),
        ("Tuesday", "weekday", "tuesday", None),
        ("Monday", "weekday", "monday", None),
        ("Kindergarten through 5th grade", "grades", "K-5", None),
        ("Feb. 22", "date", "02-22", None),
        ("Feb. 16", "date", "02-16", None),
        ("Grades 6 through 8", "grades", "6-8", None),
        ("March 1", "date", "03-01", None),
        ("Feb. 22", "date", "02-22", None),
    ]


def test_seed_return_dates_and_grades():
    text = seed_paragraph("Students in pre-K and some special education")
    assert figures(text) == [
        ("pre-K", "grades", "PK", None),
        ("kindergarten through 8th grade", "grades", "K-8", None),
        ("Feb. 1", "date", "02-01", None),
        ("K-8th grade", "grades", "K-8", None),
        ("Monday", "weekday", "monday", None),
    ]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            "CHICAGO (CBS) \u2014 Chicago Teachers Union leadership",
            [("25,000 members", "count", 25000, "member")],
        ),
        ("In order to authorize a strike", [("at least 75%", "percent", 75.0, None)]),
        ("Another sticking point", [("2.5%", "percent", 2.5, None)]),
        (
            "The two sides also have yet",
            [("two sides", "count", 2, "side"), ("75%", "percent", 75.0, None)],
        ),
        ("CPS is offering", [("1,500 vaccinations", "count", 1500, "vaccin")]),
        (
            "K-8 students are scheduled",
            [("K-8", "grades", "K-8", None), ("Feb. 1", "date", "02-01", None)],
        ),
        (
            "In-person learning for pre-K",
            [("pre-K", "grades", "PK", None), ("more than 70%", "percent", 70.0, None)],
        ),
        (
            "With Kindergartners through eighth graders",
            [
                ("Kindergartners through eighth graders", "grades", "K-8", None),
                ("Monday", "weekday", "monday", None),
                ("Tuesday", "weekday", "tuesday", None),
            ],
        ),
        ("As the two sides released", [("two sides", "count", 2, "side")]),
        ("A source tells CBS 2", []),
        ("Also From CBS Chicago", []),
    ],
)
def test_seed_paragraph(start, expected):
    assert figures(seed_paragraph(start)) == expected


# ---------------------------------------------------------------- comparing


def test_same_unit_different_value():
    a, b = one("30,000 members"), one("its 25,000 members")
    assert same_thing(a, b)
    assert not same_value(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("75 percent", "75%"),
        ("3/1", "March 1"),
        ("fifth", "5th"),
        ("25000 members", "25,000 members"),
        ("K-5", "kindergarten through fifth grade"),
        ("K-8th grade", "Kindergartners through eighth graders"),
        ("6-8th graders", "Grades 6 through 8"),
        ("pre-K", "pre-kindergarten"),
        ("February 7, 2021", "Feb. 7"),
        ("Feb. 22", "February 22"),
        ("1,500 staff members", "1,500 staff members"),
        ("1.5 million people", "1,500,000 people"),
        ("$1.5 million", "1.5 million dollars"),
        ("one week", "7 days"),
        ("two weeks", "14 days"),
        ("1 year", "12 months"),
        ("thursday", "Thursday"),
        ("more than 70%", "70 percent"),
    ],
)
def test_same_value(a, b):
    fa, fb = one(a), one(b)
    assert same_thing(fa, fb) and same_thing(fb, fa)
    assert same_value(fa, fb) and same_value(fb, fa)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1,500 staff members", "25,000 members"),  # a staff member is a member
        ("1,500 staff members", "2,000 staff"),  # "staff" stands for staff members
        ("1 Dead", "5 dead"),
        ("Feb. 22", "3/1"),  # any two dates
        ("Monday", "Thursday"),
        ("K-5", "6-8th"),
        ("45 minutes", "2 hours"),
        ("94%", "2.5%"),
        ("2021", "2020"),
    ],
)
def test_same_thing_different_value(a, b):
    fa, fb = one(a), one(b)
    assert same_thing(fa, fb) and same_thing(fb, fa)
    assert not same_value(fa, fb)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("30,000 members", "30,000 spaces"),  # same number, different things
        ("2,000 staff", "25,000 members"),
        ("1,500 vaccinations", "1,500 staff members"),
        ("Queen Redd, 38,", "38 members"),  # a bare number matches only a bare number
        ("75%", "75 members"),
        ("$40", "40 members"),
        ("fifth", "fifth grade"),  # an ordinal is not a grade
        ("3/1", "Monday"),
        ("one month", "30 days"),  # a month is no whole number of days
        ("Feb. 22", "2021"),
    ],
)
def test_not_the_same_thing(a, b):
    fa, fb = one(a), one(b)
    assert not same_thing(fa, fb) and not same_thing(fb, fa)
    assert not same_value(fa, fb) and not same_value(fb, fa)


def test_dates_with_a_year_compare_years_only_when_both_have_one():
    with_year, without = one("February 7, 2021"), one("Feb. 7")
    other_year = one("2/7/2020")
    assert same_value(with_year, without) and same_value(other_year, without)
    assert not same_value(with_year, other_year)


def test_bare_counts_compare_with_bare_counts():
    a, b = one("Queen Redd, 38,"), one("aged 38.")
    assert same_thing(a, b) and same_value(a, b)


def test_floats_compare_with_a_tolerance():
    a = Figure("0.3%", "percent", 0.1 + 0.2, None, 0, 4)
    b = one("0.3%")
    assert a.value != b.value
    assert same_value(a, b)


# ---------------------------------------------------------------- properties

_PIECES = [
    "K-5",
    "K\u20135",
    " ",
    "\u00a0",
    "\n",
    "-",
    "/",
    ",",
    ".",
    "$",
    "%",
    "1",
    "12",
    "2021",
    "1,500",
    "pre-K",
    "through",
    "fifth",
    "grade",
    "Feb.",
    "March",
    "may",
    "May",
    "million",
    "percent",
    "members",
    "staff",
    "weeks",
    "old",
    "more than",
    "CBS",
    "@",
    "th",
    "Street",
    "a.m.",
    "one",
    "twenty-",
    "Kindergartners",
    "graders",
    "\u017f",
    "\u0130",
    "\u0663",
    "1/2",
    ":",
    "30",
    "\u2014",
    "\u2019",
    "\u201c",
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)))
def test_extract_never_raises_and_offsets_are_valid(text):
    end = 0
    for f in extract(text):
        assert end <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert f.kind in KINDS
        json.dumps(f.value)
        end = f.end


@pytest.mark.parametrize(
    "text",
    [
        "1" * 50_000,  # longer than int() parses by default: a code, not a number
        "1" + " " * 20_000 + "x",
        ("more than " + " " * 5_000) * 3,
        "K" + " " * 20_000,
        "\n " * 20_000,
        "1/" * 20_000,
    ],
)
def test_pathological_text_gives_at_most_one_figure(text):
    # a regex that backtracked on these would hang the suite; speed itself is not timed here
    assert len(figures(text)) <= 1
