"""Reading each format into articles; what can't be read is named and skipped."""

import json

import pytest

from index.errors import CorpusError
from index.ingest.corpus import decode, find_files, read_file
from index.ingest.paragraphs import Boilerplate, segment


def read_all(root):
    problems = []
    docs = [doc for f in find_files(root, problems) for doc in read_file(f, problems.append)]
    return docs, problems


def test_txt_with_front_matter(tmp_path):
    (tmp_path / "a.txt").write_text(
        "title: Vote set\nurl: https://example.com/a\npublished: 2021-02-07\n"
        "source: CBS Chicago\nbyline: Dana Kozlov\n---\nFirst paragraph.\n\nSecond.\n"
    )
    [doc], problems = read_all(tmp_path)
    assert problems == []
    assert (doc.id, doc.title, doc.url, doc.published, doc.source, doc.byline) == (
        "a",
        "Vote set",
        "https://example.com/a",
        "2021-02-07",
        "CBS Chicago",
        "Dana Kozlov",
    )
    assert doc.text.strip() == "First paragraph.\n\nSecond."


def test_yaml_style_front_matter_and_bad_date(tmp_path):
    (tmp_path / "b.md").write_text("---\ntitle: T\npublished: last Sunday\n---\nBody text.\n")
    [doc], problems = read_all(tmp_path)
    assert doc.title == "T" and doc.published is None
    assert [str(p) for p in problems] == [
        "b.md: published 'last Sunday' is not an ISO date (YYYY-MM-DD); left empty"
    ]
    assert problems[0].skipped is False


def test_text_without_front_matter_is_all_body(tmp_path):
    (tmp_path / "c.txt").write_text("Title: not front matter, no closing line\n\nMore text.\n")
    [doc], _ = read_all(tmp_path)
    assert doc.title is None and doc.text.startswith("Title:")


def test_markdown_heading_links_and_emphasis(tmp_path):
    (tmp_path / "d.md").write_text(
        "# Union votes\n\nThe **union** [voted](https://x.y) today.\n\n![photo](p.jpg)\n"
    )
    [doc], _ = read_all(tmp_path)
    assert doc.title == "Union votes"
    article, passages = segment(doc, Boilerplate.load())
    assert [p.text for p in passages] == ["The union voted today."]


def test_jsonl_good_and_bad_lines(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "x1",
                "title": "One",
                "url": "https://e.com/1",
                "published": "2021-01-24T10:00:00Z",
                "source": "CBS",
                "text": "Body one.",
            }
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        "[1, 2]",
        "",
        json.dumps({"text": "Body two, no id."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    docs, problems = read_all(tmp_path)
    assert [(d.id, d.published) for d in docs] == [("x1", "2021-01-24"), ("feed:6", None)]
    assert [(p.path, p.line) for p in problems] == [
        ("feed.jsonl", 2),
        ("feed.jsonl", 3),
        ("feed.jsonl", 4),
    ]
    assert "not valid JSON" in problems[0].reason


def test_html_main_text_without_chrome(tmp_path):
    (tmp_path / "page.html").write_text("""<!doctype html><html><head>
      <title>Site | Story</title><meta property="og:title" content="Teachers vote">
      <link rel="canonical" href="https://news.example/vote">
      <meta property="article:published_time" content="2021-01-25T08:00:00-06:00">
      <meta property="og:site_name" content="CBS Chicago">
      <script>var x = "READ ME NOT";</script><style>p{}</style></head><body>
      <nav><a href="/">Home</a> <a href="/news">News</a></nav>
      <article><header><h1>Teachers vote</h1></header>
        <p>CTU rank-and-file teachers have voted to defy an order.</p>
        <div class="related-links"><p>Related: another story</p></div>
        <p>The district says more than 70% showed up.</p>
        <aside><p>Sidebar text</p></aside></article>
      <footer><p>Copyright footer</p></footer></body></html>""")
    [doc], problems = read_all(tmp_path)
    assert problems == []
    assert doc.title == "Teachers vote"
    assert doc.url == "https://news.example/vote"
    assert doc.published == "2021-01-25"
    assert doc.source == "CBS Chicago"
    assert doc.text == (
        "CTU rank-and-file teachers have voted to defy an order.\n\n"
        "The district says more than 70% showed up."
    )


def test_ids_are_stable_and_title_derived_from_lead(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text(
        "CHICAGO (CBS) — Chicago Public Schools students will soon return to in-person, Mayor "
        "Lori Lightfoot announced Sunday. The deal is tentative.\n"
    )
    [doc], _ = read_all(tmp_path)
    assert doc.id == "sub/story"
    article, _ = segment(doc, Boilerplate.load())
    assert article.title == (
        "Chicago Public Schools students will soon return to in-person, "
        "Mayor Lori Lightfoot announced Sunday"
    )
    assert article.source == "CBS"
    [again], _ = read_all(tmp_path)
    assert again.id == doc.id


def test_unreadable_files_are_named_and_the_rest_read(tmp_path):
    (tmp_path / "good.txt").write_text("Good paragraph.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (tmp_path / "notes.csv").write_text("ignored,by,extension\n")
    docs, problems = read_all(tmp_path)
    assert [d.id for d in docs] == ["good"]
    assert sorted(str(p) for p in problems) == [
        "binary.txt: binary file, not text; skipped",
        "empty.txt: empty file; skipped",
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café “quotes”".encode(), "Café “quotes”"),
        ("Café".encode("latin-1"), "Café"),
        ("Café".encode("utf-16"), "Café"),
        (b"\xef\xbb\xbfBOM", "BOM"),
    ],
)
def test_decoding(data, text):
    assert decode(data) == text


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        find_files(tmp_path / "nope", [])


def test_large_jsonl_is_read_in_slices_with_true_line_numbers(tmp_path):
    from index.ingest.corpus import split_jsonl

    lines = [json.dumps({"id": f"n{i}", "text": f"Article number {i}."}) for i in range(500)]
    lines[321] = "{not json"
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    [source] = find_files(tmp_path, [])
    parts = split_jsonl(source, 2000)
    assert len(parts) > 5
    problems, docs = [], []
    for part in parts:
        docs.extend(read_file(part, problems.append))
    assert [d.id for d in docs] == [f"n{i}" for i in range(500) if i != 321]
    assert [(p.line, p.reason.split(" (")[0]) for p in problems] == [(322, "not valid JSON")]
    whole, _ = read_all(tmp_path)
    assert [d.id for d in whole] == [d.id for d in docs]


def test_one_bad_line_spoils_only_itself(tmp_path):
    good = json.dumps(
        {"id": "a", "text": "The café — “La Crema” — reopened Monday."}, ensure_ascii=False
    ).encode()
    latin = json.dumps({"id": "b", "text": "Le café"}, ensure_ascii=False).encode("latin-1")
    nul = b'{"id": "c", "text": "broken\x00line"}'
    rest = [json.dumps({"id": f"n{i}", "text": f"Story {i}."}).encode() for i in range(300)]
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join([good, latin, nul, *rest]) + b"\n")
    docs, problems = read_all(tmp_path)
    by_id = {d.id: d.text for d in docs}
    assert by_id["a"] == "The café — “La Crema” — reopened Monday."  # not mojibake
    assert by_id["b"] == "Le café"
    assert "c" not in by_id and len(by_id) == 302
    assert [(p.line, p.reason.split(" (")[0]) for p in problems] == [(3, "not valid JSON")]


def test_yaml_front_matter_with_lists_and_quotes(tmp_path):
    (tmp_path / "budget.md").write_text(
        "---\ntitle: \"Mayor: 'We will reopen'\"\ndate: 2024-05-02\ntags:\n  - city hall\n"
        "  - budget\nlast-modified: 2024-05-03\n---\nThe council passed the budget.\n"
    )
    problems = []
    [doc] = [d for f in find_files(tmp_path, problems) for d in read_file(f, problems.append)]
    assert (doc.title, doc.published) == ("Mayor: 'We will reopen'", "2024-05-02")
    assert doc.text.strip() == "The council passed the budget."


def test_html_wrapper_classes_never_remove_the_article(tmp_path):
    (tmp_path / "a.html").write_text(
        '<html><body><div class="page layout-with-sidebar"><article><h1>Budget</h1>'
        '<div class="ad-free-content"><p>The council passed the budget.</p></div>'
        '<div class="ad"><p>Buy now</p></div><div class="social-share">Share</div>'
        '</article><aside class="sidebar"><p>Most read</p></aside></div></body></html>'
    )
    problems = []
    [doc] = [d for f in find_files(tmp_path, problems) for d in read_file(f, problems.append)]
    assert doc.text == "The council passed the budget."
