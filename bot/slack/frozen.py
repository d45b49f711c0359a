"""Previews kept as they were shown, so "Post to channel" posts exactly what its asker saw.

A private answer (`/ask`, `/factcheck`, a "More results" page) is stored in the state
database as JSON when it is shown; its share button carries the question id, the first
number shown and the passages' ids. Sharing reads that preview back (never a new search,
so an article added since can't change it) and posts it with the numbers previewed.
"""

from __future__ import annotations

from dataclasses import asdict

from index.models import Answer, Article, Check, CheckedHit, FactCheck, Figure, Hit, Passage


def freeze(value: Answer | FactCheck) -> dict:
    """A JSON-able copy of an answer or a fact-check."""
    if isinstance(value, FactCheck):
        return {"kind": "factcheck", **asdict(value)}
    return {"kind": "answer", **asdict(value)}


def ids(frozen: dict) -> list[str]:
    """The passage ids of a frozen preview, in the order shown."""
    if frozen.get("kind") == "factcheck":
        hits = [p["hit"] for p in frozen.get("passages", [])]
    else:
        hits = frozen.get("hits", [])
    return [f"{h['passage']['article_id']}#{h['passage']['number']}" for h in hits]


def thaw(frozen: dict) -> Answer | FactCheck:
    """The answer or fact-check `freeze` was given."""
    if frozen.get("kind") == "factcheck":
        return FactCheck(
            frozen["claim"],
            tuple(Figure(**f) for f in frozen["figures"]),
            tuple(_checked(p) for p in frozen["passages"]),
        )
    return Answer(
        question=frozen["question"],
        no_answer=frozen["no_answer"],
        hits=tuple(_hit(h) for h in frozen["hits"]),
        offset=frozen.get("offset", 0),
        terms=tuple(frozen.get("terms", ())),
        missing=tuple(frozen.get("missing", ())),
        confidence=frozen.get("confidence"),
    )


def _hit(h: dict) -> Hit:
    return Hit(
        h["rank"],
        h["score"],
        Passage(**h["passage"]),
        Article(**h["article"]),
        tuple((a, b) for a, b in h["highlights"]),
    )


def _checked(p: dict) -> CheckedHit:
    checks = tuple(
        Check(
            Figure(**c["claim_figure"]),
            c["status"],
            Figure(**c["passage_figure"]) if c.get("passage_figure") else None,
        )
        for c in p["checks"]
    )
    return CheckedHit(_hit(p["hit"]), checks, p.get("attribution"))
