"""Answers as Slack messages: Block Kit blocks plus a plain-text fallback.

Every piece of article or user text is escaped (`bot.slack.mrkdwn.escape`); the weighty
matched words are bold (`bot.slack.emphasis`); a long paragraph is trimmed around its
best-matching sentence with "…", never mid-word; every message stays inside Block Kit's
limits (50 blocks, 3,000 characters of section text, 10 context elements, 2,000-character
button values).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from bot.citation import citation_parts, label
from bot.slack.emphasis import weighty
from bot.slack.mrkdwn import escape, link
from index.models import Answer, Article, Hit
from index.text.analysis import sentences as split_sentences

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_TEXT = 3000  # the notification fallback; Slack allows more, nobody reads more
PASSAGE_CHARS = 1200  # a quoted paragraph longer than this is trimmed
QUESTION_CHARS = 200  # a question echoed back longer than this is trimmed
TITLE_CHARS = 80  # the title in the notification text
MAX_MISSING = 8  # "Missing: word, word" names at most this many words

ACTION_MORE = "more_results"
ACTION_SHARE = "share_answer"
ACTION_VOTE_UP = "vote_up"
ACTION_VOTE_DOWN = "vote_down"

Spans = tuple[tuple[int, int], ...]


# ------------------------------------------------------------------ text


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut[: limit - 1]).rstrip() + "…"


def trim(text: str, spans: Spans, limit: int) -> tuple[str, Spans]:
    """The part of `text` around its best-matching sentence, at most `limit` characters
    plus the "…" marks, cut only between words; `spans` moved to match."""
    if len(text) <= limit:
        return text, spans
    sentences = split_sentences(text) or [(0, len(text))]

    def hits(s: tuple[int, int]) -> int:
        return sum(1 for a, b in spans if a >= s[0] and b <= s[1])

    best = max(range(len(sentences)), key=lambda i: (hits(sentences[i]), -i))
    lo, hi = best, best
    start, end = sentences[best]
    while True:  # grow by whole sentences, after first, then before
        grown = False
        if hi + 1 < len(sentences) and sentences[hi + 1][1] - start <= limit:
            hi += 1
            end = sentences[hi][1]
            grown = True
        if lo > 0 and end - sentences[lo - 1][0] <= limit:
            lo -= 1
            start = sentences[lo][0]
            grown = True
        if not grown:
            break
    if end - start > limit:  # one sentence longer than the limit: a window of words
        inside = [a for a, b in spans if a >= start and b <= end]
        anchor = inside[0] if inside else start
        start = max(start, anchor - limit // 3)
        end = min(end, start + limit)
        if start > 0 and not text[start - 1].isspace():
            nxt = text.find(" ", start)
            start = nxt + 1 if 0 <= nxt < end else start
        if end < len(text) and not text[end].isspace():
            prev = text.rfind(" ", start, end)
            end = prev if prev > start else end
    piece = text[start:end].strip()
    offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    head = "…" if start > 0 else ""
    tail = "" if end >= len(text.rstrip()) else " …" if piece[-1:] in ".!?”\"'" else "…"
    moved = tuple(
        (a - offset + len(head), b - offset + len(head))
        for a, b in spans
        if a >= offset and b <= offset + len(piece)
    )
    return head + piece + tail, moved


def bolded(text: str, spans: Spans) -> str:
    """Escaped mrkdwn with each span in bold."""
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out.append(escape(text[last:a]))
        out.append(f"*{escape(text[a:b])}*")
        last = b
    out.append(escape(text[last:]))
    return "".join(out)


def quoted(hit: Hit, limit: int = PASSAGE_CHARS, question: str | None = None) -> str:
    """The passage as mrkdwn, trimmed until it fits a section with its rank. With the
    `question`, only its weighty words (and the figure it asks for) are bold."""
    while True:
        text, spans = trim(hit.passage.text, hit.highlights, limit)
        if question is not None:
            spans = weighty(text, spans, question)
        body = f"*{hit.rank}.* {bolded(text, spans)}"
        if len(body) <= MAX_SECTION or limit < 100:
            return body[:MAX_SECTION]
        limit = limit * 2 // 3


def safe_url(url: str | None) -> str | None:
    if url and re.fullmatch(r"https?://[^\s<>|]+", url):
        return url
    return None


def citation(
    article: Article, paragraph: int, attribution: str | None = None, quoted: str = ""
) -> str:
    """mrkdwn: "<url|Headline> · Source · 2021-02-07 · paragraph 4 of 20", every part
    escaped, the headline linked when the article has an http(s) url; an article
    without a headline that would repeat the `quoted` text gets a short label instead
    (`bot.citation.label`)."""
    _, *rest = citation_parts(article, paragraph, attribution)
    title = escape(label(article, quoted))
    url = safe_url(article.url)
    linked = link(url, title) if url else f"_{title}_"
    return " · ".join([linked, *(escape(shorten(part, 100)) for part in rest)])


# ------------------------------------------------------------------ blocks


def section(text: str) -> dict:
    """A section block of mrkdwn (already escaped), cut to Block Kit's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}


def context(text: str) -> dict:
    """A context line of mrkdwn (already escaped), cut to Block Kit's limit."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:MAX_SECTION]}]}


_section, _context = section, context


def _button(text: str, action_id: str, value: dict, style: str | None = None) -> dict:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": json.dumps(value, separators=(",", ":")),
    }
    if style:
        button["style"] = style
    return button


def _vote_buttons(hit: Hit, question_id: int) -> dict:
    value = {"q": question_id, "p": hit.passage_id[:400], "r": hit.rank}
    return {
        "type": "actions",
        "block_id": f"vote-{hit.rank}",
        "elements": [
            _button("👍 Helpful", ACTION_VOTE_UP, value),
            _button("👎 Not this", ACTION_VOTE_DOWN, value),
        ],
    }


def echo(question: str) -> str:
    return f"“{escape(shorten(question, QUESTION_CHARS))}”"


def confidence_line(answer: Answer) -> str | None:
    """A low-confidence answer says so, and names the question's words no article uses."""
    if answer.confidence != "low":
        return None
    line = ":warning: Low confidence: these passages match only part of the question."
    if answer.missing:
        words = ", ".join(escape(shorten(w, 40)) for w in answer.missing[:MAX_MISSING])
        line += f" Missing: {words}"
    return line


def answer_message(
    answer: Answer, question_id: int, *, shareable: bool = False, heading: str | None = None
) -> dict:
    """Blocks and fallback text for an answer (or for no answer)."""
    blocks: list[dict] = []
    if heading:
        blocks.append(_context(heading))
    if answer.notice:  # a filter that can't be read or matches nothing (index/retrieval/filters)
        blocks.append(_section(f":warning: {escape(answer.notice)}"))
        return {"blocks": blocks, "text": escape(answer.notice)}
    if (low := confidence_line(answer)) and answer.hits and not answer.no_answer:
        blocks.append(_context(low))
    if answer.no_answer or not answer.hits:
        blocks.append(_section(":mag: No passage in the archive answers this."))
        blocks.append(
            _context(
                "Tip: use the words a story would use (names, places, figures)"
                ", or see what is indexed with `/newsbot sources`."
            )
        )
        return {"blocks": blocks, "text": "No passage in the archive answers this."}
    for hit in answer.hits:
        if len(blocks) + 4 > MAX_BLOCKS:
            break
        blocks.append(_section(quoted(hit, question=answer.question)))
        blocks.append(_context(citation(hit.article, hit.passage.number, quoted=hit.passage.text)))
        blocks.append(_vote_buttons(hit, question_id))
    controls = []
    if answer.more:
        more = {"q": question_id, "o": answer.offset + len(answer.hits)}
        controls.append(
            _button("More results", ACTION_MORE, {**more, "s": 1} if shareable else more)
        )
    if shareable:
        controls.append(share_button(question_id, answer.hits))
    if controls:
        blocks.append({"type": "actions", "block_id": "answer-controls", "elements": controls})
    return {"blocks": blocks, "text": fallback(answer.hits)}


def share_button(question_id: int, hits: Sequence[Hit]) -> dict:
    """ "Post to channel", the previewed passages frozen in its value as ids (in the order
    and with the numbers previewed), so sharing posts exactly what was seen."""
    value = {"q": question_id, "p": [h.passage_id[:400] for h in hits[:10]]}
    value["n"] = hits[0].rank if hits else 1
    return _button("Post to channel", ACTION_SHARE, value, style="primary")


def fallback(hits: Sequence[Hit]) -> str:
    """Plain text for notifications and clients without blocks: the first passage and a
    short form of its citation."""
    first = hits[0]
    text, _ = trim(first.passage.text, first.highlights, 300)
    title = shorten(label(first.article, first.passage.text), TITLE_CHARS)
    return escape(
        shorten(
            f"{text} ({title}, paragraph {first.passage.number} of {first.article.paragraphs})",
            MAX_TEXT,
        )
    )


def text_message(text: str, context: str | None = None) -> dict:
    """A plain message (help, errors): `text` is already mrkdwn."""
    blocks = [_section(text)]
    if context:
        blocks.append(_context(context))
    plain = re.sub(r"[*_`]", "", text).strip() or text.strip() or "newsbot"
    return {"blocks": blocks, "text": plain[:MAX_TEXT]}


def sources_message(articles: Sequence[tuple[Article, int]], total: int) -> dict:
    """The indexed articles, newest first, as many as fit."""
    lines = []
    for article, passages in articles:
        url = safe_url(article.url)
        title = escape(shorten(article.title, 120))
        name = link(url, title) if url else title
        date = article.published or "date unknown"
        lines.append(f"• {name} ({date}, {passages} passage{'' if passages == 1 else 's'})")
    blocks = [_section(f"*The archive holds {total:,} articles.*")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > MAX_SECTION - 10:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
            if len(blocks) >= MAX_BLOCKS - 2:
                break
        chunk.append(line)
    if chunk and len(blocks) < MAX_BLOCKS - 1:
        blocks.append(_section("\n".join(chunk)))
    shown = sum(
        b["text"]["text"].count("\n• ") + b["text"]["text"].startswith("• ") for b in blocks[1:]
    )
    if shown < total:
        blocks.append(
            _context(
                f"Showing the {shown:,} newest. `newsbot sources` on the server lists them all."
            )
        )
    return {"blocks": blocks, "text": f"The archive holds {total:,} articles."}
