"""Archive formats (WXR, RSS, Atom, HTML with JSON-LD, NITF) read into articles with their
headline, byline, dates and URL; bad items named and skipped; hostile XML refused."""

import json
import shutil

import pytest

from bot.cli import main
from index.ingest.corpus import find_files, read_file
from tests.conftest import DATA

FORMATS = DATA / "formats"


def read(*names, root=FORMATS):
    problems = []
    docs = []
    for f in find_files(root, problems):
        if not names or f.rel in names:
            docs.extend(read_file(f, problems.append))
    return docs, [str(p) for p in problems]


def by_title(docs):
    return {d.title: d for d in docs}


def test_wordpress_export_keeps_only_published_posts_and_pages():
    docs, problems = read("wordpress-export.xml")
    assert sorted(d.title for d in docs) == [
        "About the Ledger",
        "Board approves later start for high school classes",
    ]
    everything = " ".join(d.text for d in docs)
    for unpublished in ("Unpublished draft", "Earlier revision", "Attachment caption", "Trashed"):
        assert unpublished not in everything
    post = by_title(docs)["Board approves later start for high school classes"]
    assert (post.byline, post.published, post.updated) == (
        "Maria Reyes",
        "2021-02-10",
        "2021-02-11",
    )
    assert post.url == "https://ledger.example.org/2021/02/10/later-start/"
    assert (post.source, post.section) == ("Lakeshore Ledger", "Education")
    assert post.tags == ("Education", "school board", "buses")
    assert (
        post.text.split("\n\n")[-1]
        == "Bus routes will be redrawn over the summer, the district said."
    )
    page = by_title(docs)["About the Ledger"]
    assert page.text == (
        "The Lakeshore Ledger is a nonprofit newsroom covering the lakefront neighborhoods "
        "since 1998.\n\nOur reporters answer to readers, not advertisers."
    )
    assert problems == [
        "wordpress-export.xml:95: post 106 “Photo gallery: ice on the lake” has no text; "
        "item skipped"
    ]


def test_rss_items_use_full_content_else_the_summary():
    docs, problems = read("feed.rss")
    grant = by_title(docs)["Red Line extension wins federal grant"]
    assert grant.text == (
        "The Red Line extension to 130th Street won a $1.9 billion federal grant, the transit "
        "agency said Monday.\n\nConstruction could start in 2023 and take five years."
    )
    assert (grant.byline, grant.published, grant.source) == (
        "Sam Okafor",
        "2021-02-15",
        "Lakeshore Ledger: Transit",
    )
    assert grant.url == "https://ledger.example.org/2021/02/15/red-line-grant/"
    assert grant.section == "Transit"
    divvy = by_title(docs)["Divvy adds 40 stations on the South Side"]
    assert divvy.text == (
        "The bike-share system added 40 docking stations south of 79th Street this week."
    )
    assert divvy.published == "2021-01-20"
    assert problems == ["feed.rss:25: item “An item with nothing in it” has no text; item skipped"]


def test_atom_entries_with_published_and_updated_dates():
    docs, problems = read("feed.atom")
    assert problems == []
    ward = by_title(docs)["Council delays vote on ward map"]
    assert (ward.published, ward.updated, ward.byline) == (
        "2021-02-18",
        "2021-02-19",
        "Dana Whitfield",
    )
    assert ward.text.startswith(
        "The City Council delayed its vote on the new ward map until March 3"
    )
    assert "The vote moves to March." not in ward.text  # the summary, when content is there
    director = by_title(docs)["Mayor names new budget director"]
    assert director.published == "2021-01-28" and director.updated is None
    assert director.text.startswith("The mayor named Priya Natarajan")
    assert len({d.id for d in docs}) == 2


def test_html_page_metadata_from_json_ld_and_canonical_url():
    [page], problems = read("page.html")
    assert problems == []
    assert page.title == "Lakefront path reopens after storm repairs"
    assert page.byline == "Jordan Lee and Ana Cruz"  # JSON-LD beats <meta name="author">
    assert (page.published, page.updated) == ("2021-02-22", "2021-02-23")
    assert page.url == "https://ledger.example.org/2021/02/22/lakefront-path/"  # canonical
    assert (page.source, page.section, page.tags) == (
        "Lakeshore Ledger",
        "Neighborhoods",
        ("lakefront", "parks"),
    )
    assert page.text.split("\n\n") == [
        "The lakefront trail between Oak Street and North Avenue reopened Monday after three "
        "weeks of repairs to storm damage.",
        "Park district crews rebuilt 600 feet of seawall and repaved the path, a spokeswoman said.",
        "The repairs cost $2.4 million, paid from the district's emergency fund.",
    ]


def test_html_page_without_article_markup_is_read_by_trafilatura(tmp_path):
    body = " ".join(["The water department will replace 3,000 lead service lines this year."] * 3)
    (tmp_path / "p.htm").write_text(
        "<html><head><title>Lead pipes | Ledger</title>"
        '<meta property="og:title" content="City speeds up lead pipe removal">'
        '<meta property="article:published_time" content="2021-03-02T08:00:00Z"></head>'
        "<body><div class='menu'><a href='/'>Home</a> <a href='/a'>About us</a></div>"
        f"<div class='story'><p>{body}</p><p>Residents can check their address online.</p></div>"
        "<div class='footer'>Copyright 2021 Ledger Media. All rights reserved.</div></body></html>"
    )
    [page], _ = read(root=tmp_path)
    assert page.title == "City speeds up lead pipe removal" and page.published == "2021-03-02"
    assert page.text.startswith("The water department will replace 3,000 lead service lines")
    assert "Residents can check their address online." in page.text
    assert "All rights reserved" not in page.text and "About us" not in page.text


def test_nitf_headline_byline_dateline_and_paragraphs():
    [story], problems = read("story.nitf.xml")
    assert problems == []
    assert story.title == "Winter storm knocks out power to 80,000 homes"
    assert (story.byline, story.published, story.source, story.section) == (
        "Chris Novak",
        "2021-02-14",
        "Midwest Wire",
        "Weather",
    )
    assert story.text.split("\n\n") == [
        "CHICAGO — A winter storm that dropped 14 inches of snow knocked out power to about "
        "80,000 homes across the region Sunday, the utility said.",
        "Crews from three states were on the way, and most customers should have power back by "
        "Tuesday night, a spokesman said.",
        "Warming centers are open at all city libraries.",
    ]


def test_malformed_files_are_named_and_skipped():
    _, problems = read(
        "broken-export.xml",
        "broken-feed.rss",
        "broken-feed.atom",
        "broken-page.html",
        "broken-story.nitf.xml",
    )
    assert problems == [
        "broken-export.xml: not well-formed XML (no element found: line 9, column 0); skipped",
        "broken-feed.atom:2: item “(untitled)” has no text; item skipped",
        "broken-feed.rss: not well-formed XML (syntax error: line 1, column 0); skipped",
        "broken-page.html: no article text found in the HTML; skipped",
        "broken-story.nitf.xml: not well-formed XML (no element found: line 5, column 0); skipped",
    ]


BOMB = (FORMATS / "bomb.xml").read_text()
XXE = (FORMATS / "xxe.xml").read_text()


@pytest.mark.parametrize("root", ["rss", "feed", "nitf", "wordpress", "html"])
@pytest.mark.parametrize("attack", ["bomb", "xxe"])
def test_xml_bombs_and_external_entities_are_refused_unexpanded(tmp_path, root, attack):
    doctype = {
        "rss": (
            "<rss version='2.0'><channel><title>T</title><item><title>I</title>"
            "<description>{e}</description></item></channel></rss>"
        ),
        "feed": (
            "<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><entry><title>I"
            "</title><id>x</id><summary>{e}</summary></entry></feed>"
        ),
        "nitf": "<nitf><body><body.content><p>{e}</p></body.content></body></nitf>",
        "wordpress": (
            "<rss xmlns:wp='http://wordpress.org/export/1.2/' xmlns:content="
            "'http://purl.org/rss/1.0/modules/content/'><channel><item><title>I</title>"
            "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            "<content:encoded>{e}</content:encoded></item></channel></rss>"
        ),
        "html": "<html><body><article><p>{e}</p></article></body></html>",
    }[root]
    source = BOMB if attack == "bomb" else XXE
    head = source[: source.index("]>") + 2]
    entity = "&lol9;" if attack == "bomb" else "&secret;"
    (tmp_path / "attack.xml").write_text(head + "\n" + doctype.format(e=entity))
    docs, problems = read(root=tmp_path)
    assert docs == []
    reason = (
        "declares XML entities (a possible XML bomb); refused without expanding them"
        if attack == "bomb"
        else "refers to an external entity; refused without reading it"
    )
    assert problems == [f"attack.xml: {reason}; skipped"]


def test_format_detected_by_content_not_extension(tmp_path):
    shutil.copy(FORMATS / "feed.atom", tmp_path / "cityhall.xml")
    shutil.copy(FORMATS / "wordpress-export.xml", tmp_path / "export.rss")
    shutil.copy(FORMATS / "story.nitf.xml", tmp_path / "wire.htm")
    docs, problems = read(root=tmp_path)
    assert sorted(d.title for d in docs) == [
        "About the Ledger",
        "Board approves later start for high school classes",
        "Council delays vote on ward map",
        "Mayor names new budget director",
        "Winter storm knocks out power to 80,000 homes",
    ]
    assert len(problems) == 1 and "post 106" in problems[0]


def test_every_format_indexed_with_headline_byline_date_and_url(tmp_path, capsys):
    corpus = tmp_path / "archive"
    shutil.copytree(FORMATS, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["index", "build", *args]) == 0
    err = capsys.readouterr().err
    assert "warning: bomb.xml: declares XML entities" in err
    assert "warning: xxe.xml: refers to an external entity" in err
    assert main(["sources", "--json", *args]) == 0
    rows = {r["title"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(rows) == 8  # 2 WordPress, 2 RSS, 2 Atom, 1 page, 1 NITF
    for title in (
        "Board approves later start for high school classes",
        "Red Line extension wins federal grant",
        "Council delays vote on ward map",
        "Lakefront path reopens after storm repairs",
        "Winter storm knocks out power to 80,000 homes",
    ):
        assert rows[title]["byline"] and rows[title]["published"], title
    for title in (
        "Red Line extension wins federal grant",
        "Lakefront path reopens after storm repairs",
    ):
        assert rows[title]["url"].startswith("https://ledger.example.org/2021/")
    assert rows["Lakefront path reopens after storm repairs"]["updated"] == "2021-02-23"
    assert rows["Board approves later start for high school classes"]["tags"] == [
        "Education",
        "school board",
        "buses",
    ]


def test_dates_in_citations_sources_and_factcheck(tmp_path, capsys):
    args = ["--corpus", str(FORMATS), "--index", str(tmp_path / "index")]
    assert main(["ask", "when did the lakefront path reopen after storm repairs?", *args]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the citation is wrapped
    assert (
        "— Lakefront path reopens after storm repairs · Lakeshore Ledger · "
        "2021-02-22 (updated 2021-02-23) · paragraph 1 of 3"
    ) in out
    assert "https://ledger.example.org/2021/02/22/lakefront-path/" in out
    assert main(["sources", *args]) == 0
    out = capsys.readouterr().out
    assert "page  (2021-02-22, updated 2021-02-23, 3 passages)" in out
    assert "story.nitf  (2021-02-14, 3 passages)" in out
    assert main(["factcheck", "The seawall repairs cost $2.4 million", *args]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2021-02-22 (updated 2021-02-23) · paragraph 3 of 3" in out
    assert "✓ same: $2.4 million" in out
