"""Any question is safe, and any article text is quoted harmlessly: property-based tests
over arbitrary Unicode (empty, whitespace, stopwords, 50,000 characters, emoji,
right-to-left text, control characters, NUL, Slack markup, mrkdwn). Every input gets a
valid answer or a clear message, inside Block Kit's limits, and never an exception.

Cases per property: EXAMPLES (set below); the closing note of issue 7 reports the total.
"""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.blocks import answer_message, echo, text_message
from bot.slack.factcheck_blocks import factcheck_message
from bot.slack.mrkdwn import clean_incoming, escape
from index.factcheck.check import factcheck
from index.models import Answer, Article, Hit, Passage
from index.text.analysis import Analyzer
from tests.slack_fixtures import assert_valid_message, message_text

EXAMPLES = 500
PIECES = [
    "",
    " ",
    "\t",
    "\n",
    "\x00",
    "\x07",
    "\u200b",
    "\u202e",
    "\ufeff",
    "the",
    "of",
    "and",
    "K-5",
    "3/1",
    "Feb. 22",
    "25,000",
    "75%",
    "COVID-19",
    "when",
    "who",
    "what did",
    "<@U123>",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S1|@eds>",
    "<#C1|news>",
    "<https://evil.example|click>",
    "<mailto:a@b.c>",
    "&",
    "&amp;",
    "&lt;",
    ">",
    "<",
    "*bold*",
    "_it_",
    "~strike~",
    "`code`",
    "```block```",
    "> quote",
    "|",
    "\\",
    "🙂",
    "👍🏽",
    "🇺🇸",
    "مرحبا بالعالم",
    "שלום",
    "日本語の記事",
    "Ωμέγα",
    "ﬁ",
    "ß",
    "İ",
    "\ud7ff",
    "\U0010ffff",
    "Chicago",
    "teachers",
    "union",
    "strike",
    "vaccine",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.tuples(st.sampled_from(PIECES), st.integers(1, 50_000)).map(
        lambda p: (p[0] * (50_000 // max(1, len(p[0])) + 1))[: p[1]] or "x" * p[1]
    ),
)
SLOW = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@SLOW
@given(texts)
def test_analyzer_never_fails_and_offsets_hold(text):
    analyzer = Analyzer()
    assert isinstance(analyzer.terms(text), list)
    for token in analyzer.tokens(text):
        assert 0 <= token.start < token.end <= len(text)


@SLOW
@given(texts)
def test_any_question_gets_a_valid_answer_or_a_clear_no(seed_searcher, text):
    question = clean_incoming(text)
    answer = seed_searcher.ask(question)
    assert answer.no_answer == (not answer.hits)
    message = answer_message(answer, 1, shareable=True, heading=f"You asked {echo(question)}")
    assert_valid_message(message)
    assert "<" not in message_text(message)  # no mention, broadcast or link from the question


@SLOW
@given(texts)
def test_any_claim_gets_a_valid_fact_check(seed_searcher, text):
    fact = factcheck(seed_searcher, clean_incoming(text))
    message = factcheck_message(fact, 1, shareable=True)
    assert_valid_message(message)
    assert "<" not in message_text(message)


@SLOW
@given(texts)
def test_help_and_echo_messages_are_valid(text):
    message = text_message(escape(text) or "x", context=echo(text))
    assert_valid_message(message)


url = st.one_of(st.none(), st.just("https://news.example/a?b=1&c=2"), texts)


@SLOW
@given(
    passage=texts.filter(bool),
    title=texts,
    source=st.one_of(st.none(), texts),
    link=url,
    spans=st.lists(st.tuples(st.integers(0, 60_000), st.integers(0, 60_000)), max_size=8),
)
def test_article_text_never_mentions_or_links(passage, title, source, link, spans):
    highlights = tuple(sorted((a, b) for a, b in spans if a < b <= len(passage)))
    article = Article(
        id="a", title=title or "t", path="a.txt", paragraphs=3, url=link, source=source
    )
    hit = Hit(1, 1.0, Passage("a", 2, passage), article, highlights)
    message = answer_message(Answer("q", False, (hit,), 0, True), 7, shareable=True)
    assert_valid_message(message)
    text = message_text(message)
    # the only markup allowed is the citation's link to the article's own http(s) url
    links = re.findall(r"<([^<>]*)>", text)
    assert all(re.fullmatch(r"https?://[^\s<>|]+\|[^<>]*", link_) for link_ in links)
    if links:
        assert links[0].split("|")[0] == link.replace("&", "&amp;")
    assert "<!" not in text and "<@" not in text and "<#" not in text
