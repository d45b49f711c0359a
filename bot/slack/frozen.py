"""Previews kept as they were shown, so "Post to channel" posts exactly what its asker saw.

A private answer (`/ask`, `/factcheck`, a draft's fact-check, a "More results" page) is
stored in the state database as JSON when it is shown; its share button carries the
question id, the first number shown and the passages' ids. Sharing reads that preview
back (never a new search, so an article added since can't change it) and posts it with
the numbers previewed.

The values are index/models.py's frozen dataclasses; `thaw` rebuilds them from their
type hints, so a field added to a value is kept without touching this module.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, fields, is_dataclass

from index.models import Answer, Draft, FactCheck

KINDS: dict[str, type] = {"answer": Answer, "factcheck": FactCheck, "draft": Draft}
Shown = Answer | FactCheck | Draft


def freeze(value: Shown) -> dict:
    """A JSON-able copy of an answer, a fact-check or a draft's fact-check."""
    kind = next(name for name, cls in KINDS.items() if isinstance(value, cls))
    return {"kind": kind, **asdict(value)}


def ids(frozen: dict) -> list[str]:
    """The passage ids of a frozen preview, in the order shown."""
    kind = frozen.get("kind")
    if kind == "draft":
        hits = [p["hit"] for claim in frozen.get("claims", []) for p in claim.get("passages", [])]
    elif kind == "factcheck":
        hits = [p["hit"] for p in frozen.get("passages", [])]
    else:
        hits = frozen.get("hits", [])
    return [f"{h['passage']['article_id']}#{h['passage']['number']}"[:400] for h in hits]


def thaw(frozen: dict) -> Shown:
    """The answer, fact-check or draft `freeze` was given."""
    cls = KINDS.get(frozen.get("kind", "answer"), Answer)
    return _build(cls, {k: v for k, v in frozen.items() if k != "kind"})


def _build(hint, data):
    """`data` (as JSON gave it back) as a value of the type `hint`."""
    if data is None:
        return None
    if isinstance(hint, type) and is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(
            **{f.name: _build(hints[f.name], data[f.name]) for f in fields(hint) if f.name in data}
        )
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], item) for item in data)
        return tuple(_build(a, item) for a, item in zip(args, data, strict=True))
    if origin in (typing.Union, types.UnionType):
        for option in args:  # the one dataclass a dict can be, else the plain value
            if isinstance(option, type) and is_dataclass(option) and isinstance(data, dict):
                return _build(option, data)
        return data
    return data
