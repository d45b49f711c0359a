"""The analyzer: news tokens kept whole and matchable, the same for questions and passages."""

import pytest

from index.text.analysis import Analyzer, fold


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("K-5 students", "k-5"),
        ("K–5 students", "k-5"),  # en dash
        ("6-8th graders", "6-8"),
        ("grades 6-8", "6-8"),
        ("Teachers in K-8th grade", "k-8"),
        ("K-8 students", "k-8"),
        ("pre-K and cluster", "pre-k"),
        ("Pre-kindergarten students", "pre-k"),
        ("a 2.5% rate", "2.5%"),
        ("its 25,000 members", "25000"),
        ("25000 members", "25000"),
        ("75 percent of requests", "75%"),
        ("75% of requests", "75%"),
        ("return 3/1", "3/1"),
        ("return March 1", "3/1"),
        ("return March 1st", "3/1"),
        ("work Feb. 22", "2/22"),
        ("February 22", "2/22"),
        ("COVID-19 vaccine", "covid-19"),
        ("N95 masks", "n95"),
        ("I-57 Expressway", "i-57"),
        ("fifth grade", "5th"),
        ("5th grade", "5th"),
    ],
)
def test_news_tokens_are_kept_whole(analyzer, text, term):
    assert term in analyzer.terms(text)


def test_question_and_passage_meet(analyzer):
    passage = set(
        analyzer.terms(
            "Kindergarten through fifth grade staff will return to work "
            "Feb. 22, and those students will return March 1."
        )
    )
    question = analyzer.terms("When do kindergarten through 5th grade students return on 3/1?")
    assert {"5th", "student", "return", "3/1"} <= passage
    assert set(question) <= passage


def test_curly_quotes_apostrophes_and_case_fold(analyzer):
    assert analyzer.terms("CTU’s “plan”") == analyzer.terms('ctu\'s "PLAN"') == ["ctu", "plan"]


def test_stopwords_are_dropped_and_words_stemmed(analyzer):
    assert analyzer.terms("What is the vaccination of the teachers?") == ["vaccin", "teacher"]


def test_numbers_next_to_other_numbers_stay_apart(analyzer):
    assert analyzer.terms("1, Killed") == ["1", "kill"]
    assert analyzer.terms("119th Street") == ["119th", "street"]


def test_offsets_point_into_the_published_text(analyzer):
    text = "CPS’s “K–5” plan—Feb. 22"
    spans = {text[t.start : t.end]: t.terms for t in analyzer.tokens(text)}
    assert spans["K–5"] == ("k-5",)
    assert spans["Feb. 22"] == ("february", "2/22")


@pytest.mark.parametrize("text", ["", "   ", "the of and", "🙂🙂", "\x00\x01", "<@U123>"])
def test_empty_or_odd_text_gives_no_error(analyzer, text):
    assert isinstance(analyzer.terms(text), list)


def test_fold_compares_quotes_dashes_case_and_spaces():
    assert fold("“Merits  further review” — CTU") == fold(
        '"merits further review" - ctu'.replace(" - ", " ")
    )


def test_fast_tokenizer_agrees_with_nltks():
    """Indexing runs the token pattern with stdlib re on lower-cased text; highlighting
    uses nltk's RegexpTokenizer on the published text: they must find the same tokens."""
    from index.text.analysis import _FAST_TOKENS, Analyzer, normalize, reference_tokenizer

    _TOKENIZER = reference_tokenizer()
    from tests.conftest import SEEDS

    texts = [p.read_text() for p in sorted(SEEDS.iterdir())] + [
        "K–5 and 6-8th, Pre-K, Feb. 22, MARCH 1st, 3/1/2021, 25,000 (2.5%) 75 Percent",
        "“Quoted,” said O’Hare’s CEO — COVID-19 N95 I-57 1, Killed 119th St.",
    ]
    for text in texts:
        normal = normalize(text)
        assert _FAST_TOKENS(normal.lower()) == [t.lower() for t in _TOKENIZER.tokenize(normal)]
        spans = [(t.start, t.end) for t in Analyzer().tokens(text)]
        assert spans == list(_TOKENIZER.span_tokenize(normal))


def test_accents_fold_in_latin_words_only():
    analyzer = Analyzer()
    assert analyzer.terms("Café naïve façade") == analyzer.terms("cafe naive facade")
    assert analyzer.terms("日本語の記事") == ["日本語の記事"]  # no marks stripped from kana
    assert analyzer.terms("がっこう") == ["がっこう"]


def test_term_sequence_and_spans_agree_with_tokens():
    """Proximity reads `term_sequence` and highlighting `spans`: both are `tokens`
    without the Token objects, so they must say what `tokens` says, cold or warm."""
    from tests.conftest import SEEDS

    texts = [p.read_text() for p in sorted(SEEDS.iterdir())] + [
        "K–5 and 6-8th, Pre-K, Feb. 22, MARCH 1st, 3/1/2021, 25,000 (2.5%) 75 Percent",
        "“Quoted,” said O’Hare’s CEO — COVID-19 N95 I-57 Café, naïve 日本語",
    ]
    for text in texts:
        for analyzer in (Analyzer(), Analyzer()):  # a cold cache, then a warm one
            tokens = analyzer.tokens(text)
            assert analyzer.term_sequence(text) == [t.terms for t in tokens]
            wanted = {term for t in tokens[::7] for term in t.terms}
            assert analyzer.spans(text, wanted) == [
                (t.start, t.end) for t in tokens if wanted.intersection(t.terms)
            ]
            assert analyzer.term_sequence(text) == [t.terms for t in tokens]
