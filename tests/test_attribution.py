"""Attribution: who a paragraph puts its statement in the mouth of, or None for the reporter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.attribution import ACCORDING_TO, ATTRIBUTION_VERBS, attribute
from tests.conftest import SEEDS


def seed_paragraphs() -> list[str]:
    return [
        p.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for p in path.read_text("utf-8").split("\n\n")
        if p.strip()
    ]


def seed_paragraph(start: str) -> str:
    """The seed paragraph that begins with `start` (so a test quotes the real text)."""
    found = [p for p in seed_paragraphs() if p.startswith(start)]
    assert found, start
    return found[0]


def seed_sentence(fragment: str) -> str:
    """A sentence copied from the seeds, checked to still be there."""
    assert any(fragment in p for p in seed_paragraphs()), fragment
    return fragment


# ---------------------------------------------------------------- seed paragraphs


@pytest.mark.parametrize(
    ("start", "speaker"),
    [
        # subject before the verb
        ("The union has said such a move", "The union"),
        ("The district has said the vast majority", "The district"),
        ("The district has claimed", "The district"),
        ("CPS officials also have said", "CPS officials"),
        ("Teachers have said many school buildings", "Teachers"),
        ("Union leadership insisted", "Union leadership"),
        ("The union has disputed those findings", "The union"),
        ("A source tells CBS 2", "A source"),
        ("Jackson said 2,000 staff", "Jackson"),
        ("Jackson said vaccinations will not be mandated.", "Jackson"),
        ("CPS CEO Dr. Janice Jackson said the return", "CPS CEO Dr. Janice Jackson"),
        ("CPS CEO Dr. Janice Jackson announces", "CPS CEO Dr. Janice Jackson"),
        ("In a letter just sent to CPS parents", "school district leaders"),
        # ...after reporter's-voice sentences or clauses
        ("In-person learning for pre-K", "The district"),  # "The district says more than 70%"
        ("One issue is the difficulty", "CTU members"),  # "but CTU members say"
        ("Both sides met all weekend long", "CPS"),  # ", and CPS says"
        ("Students in pre-K and some special", "CTU"),  # "CTU has been saying for weeks"
        ("However, Sunday morning CTU said", "CTU"),  # past the time words
        ("The two sides also have yet to agree", "The union"),
        ("CHICAGO (CBS) \u2014 Chicago Public Schools students", "Mayor Lori Lightfoot"),
        # coordinated subjects: the first
        ("This development comes after Friday night Lightfoot", "Lightfoot"),
        ("The announcement came hours after Lightfoot", "Lightfoot"),
        # quotes: the verb after the quote, the speaker before or after the verb
        ("\u201cI truly believe", "Jackson"),
        ("\u201cOur family has had success", "Kenyatta Land"),
        ("\u201cMy current eighth grader", "CPS parent Ashanti Brooks"),
        ("\u201cWe\u2019re deeply disappointed", "CTU President Jesse Sharkey"),
        ("\u201cPeople are staying up until midnight", "she"),
        ("\u201cIn order to implement CTU\u2019s plan", "she"),
        # an appositive between subject and verb
        ("Alyssa Rodriguez, a social worker", "Alyssa Rodriguez"),
    ],
)
def test_seed_paragraph_speaker(start, speaker):
    assert attribute(seed_paragraph(start)) == speaker


@pytest.mark.parametrize(
    "start",
    [
        "K-8 students are scheduled to come back",
        "Kindergarten through eighth grade teachers were scheduled",
        "CTU rank-and-file teachers have voted",
        "CHICAGO (CBS) \u2014 The Chicago Teachers Union wants",
        "CHICAGO (CBS) \u2014 Chicago Teachers Union leadership could soon ask",
        "In order to authorize a strike",
        "It\u2019s also possible the union",
        "For weeks, CTU has held various demonstrations",
        "Tuesday morning, parents from the Far South Side",
        "With Kindergartners through eighth graders",
        "As the two sides released details",  # "CBS 2 learned" is the newsroom itself
        "Another sticking point",
        "The mayor tried to reframe",
        "Until Friday, neither side",
        "Meanwhile, CPS has offered a new schedule",
        "READ MORE: At Least 15 Shot",
        "READ MORE: First Case Of Brazil Variant Of COVID-19 Confirmed",  # headline participle
        "MORE NEWS: 1 Dead, 2 Injured",
        "Also From CBS Chicago:",
        "CBS 2 Chicago Staff",
    ],
)
def test_seed_paragraph_in_the_reporters_voice(start):
    assert attribute(seed_paragraph(start)) is None


# ---------------------------------------------------------------- seed sentences


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "The union has said the CPS has rejected 75% of requests by members to work from home "
            "because of heightened COVID risks personally or in their household.",
            "The union",
        ),
        (
            "The district says more than 70% of those teachers showed up to school as expected "
            "last week.",
            "The district",
        ),
        (
            "However, Sunday morning CTU said the offer by CPS \u201cmerits further review\u201d "
            "and still needs to go through their voting process before an agreement is reached.",
            "CTU",
        ),
        (
            "Sources told CBS 2\u2019s Dana Kozlov that vote was expected Sunday afternoon.",
            "Sources",
        ),
        (
            "Chicago Public Schools students will soon return to in-person, Mayor Lori Lightfoot "
            "announced Sunday.",
            "Mayor Lori Lightfoot",
        ),
        ("but CTU has been saying for weeks that the CPS reopening plan is not safe.", "CTU"),
        (
            "CPS is offering 1,500 vaccinations for CPS staff per week, but the union feels that "
            "is insufficient.",
            None,
        ),
    ],
)
def test_seed_sentence(sentence, speaker):
    assert attribute(seed_sentence(sentence)) == speaker


def test_result_is_the_paragraph_as_written():
    text = "\u201cNo,\u201d CTU\u2019s president said."
    assert attribute(text) == "CTU\u2019s president"
    assert attribute(text) in text


# ---------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("K-8 students return Feb. 1, according to CPS officials.", "CPS officials"),
        ("According to the district, 94% of spaces were cleared.", "the district"),
        ("The plan is safe, said Jackson.", "Jackson"),
        ("Smith, who said the plan was unsafe, left early.", "Smith"),
        ("Teachers, meanwhile, said they would not return.", "Teachers"),
        ("The findings were disputed by the union.", "the union"),
        ("\u201cWe said no,\u201d the teacher recalled.", "the teacher"),
        ("\u201cWe said no,\u201d added Jackson.", "Jackson"),
        ('"It is unsafe," she said.', "she"),
        ("Some say the plan is unsafe.", "Some"),
        ("They all said no.", "They"),
        ("The mayor and the union said talks continue.", "The mayor"),
        ("Lightfoot Says Schools Will Reopen Monday", "Lightfoot"),
        ("The union argued the plan was rushed.", "The union"),
        ("The union has repeatedly argued the plan was rushed.", "The union"),
        ("Dr. Janice Jackson told reporters the plan is safe.", "Dr. Janice Jackson"),
        ("The president of the union said no.", "The president of the union"),
        ('"No," said the president of the union.', "the president of the union"),
        (
            "A majority of the CTU House of Delegates told CPS no.",
            "A majority of the CTU House of Delegates",
        ),
    ],
)
def test_pattern(text, speaker):
    assert attribute(text) == speaker


@pytest.mark.parametrize(
    "text",
    [
        "K-8 students are scheduled to come back to the classroom on Feb. 1.",
        "Those who failed to report would be told to leave.",  # passive, no agent
        "It was said that the union would strike.",
        "The union\u2019s claims were never tested.",  # a noun, not a verb
        "A warning was issued Monday.",
        "CPS plans to announce a deal Monday.",  # infinitive
        "That said, the deal is close.",
        "Teachers and staff have reported to school buildings.",  # reporting for work
        "CPS added 500 seats.",  # a quote verb away from a quote
        "\u201cThe union said no and the district claimed otherwise,\u201d",  # only inside a quote
        "",
        "said",
        "according to",
        ", said",
        '"',
    ],
)
def test_no_attribution(text):
    assert attribute(text) is None


def test_first_attribution_wins():
    text = (
        "CTU said the offer merits review. Sources told CBS 2 the vote was expected Sunday. "
        "Jackson said 2,000 staff will be vaccinated."
    )
    assert attribute(text) == "CTU"


def test_verbs_are_a_small_extendable_table():
    forms = {form for forms in ATTRIBUTION_VERBS.values() for form in forms}
    assert {
        "said",
        "says",
        "told",
        "claimed",
        "insisted",
        "announced",
        "disputed",
        "argued",
    } <= forms
    assert ACCORDING_TO == ("according", "to")


# ---------------------------------------------------------------- properties

_PIECES = [
    "said",
    "says",
    "told",
    "according",
    "to",
    "The",
    "union",
    "CTU",
    "Jackson",
    ",",
    ".",
    '"',
    "\u201c",
    "\u201d",
    "\u2019s",
    "who",
    "and",
    "was",
    "by",
    "has",
    "been",
    "Dr.",
    "U.S.",
    " ",
    "\n",
    "Some",
    "all",
    "she",
    "added",
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join)))
def test_attribute_never_raises_and_returns_text_from_the_paragraph(text):
    speaker = attribute(text)
    assert speaker is None or (speaker and speaker in text)
