"""Aliases: two ways of saying the same thing, used to widen a question.

Three sources, all analysed into terms like everything else:
- `index/data/aliases.txt`, shipped (CEO = chief executive officer, PPE = …);
- a newsroom's own file in the same format, named by NEWSBOT_ALIASES;
- acronyms learned from the corpus at build time: an acronym in parentheses or after
  ", or" right after its words ("personal protective equipment, or PPE"), or a
  capitalised name whose initials spell an acronym the same article uses
  ("Chicago Teachers Union" … "CTU").

A question that says one member of a group also searches for the others; the searcher
weighs those extra terms lower than the question's own (see index/retrieval/search.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from index.errors import ConfigError
from index.text.analysis import Analyzer, normalize

_ACRONYM = re.compile(r"\b([A-Z][A-Z&]{1,5})s?\b")
_SMALL = {"of", "and", "the", "for", "&", "on", "in"}
_WORD = re.compile(r"[A-Za-z][\w'’-]*|&")


def parse(text: str, name: str) -> list[list[str]]:
    groups = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        members = [m.strip() for m in line.split(" = ") if m.strip()]
        if len(members) < 2:
            raise ConfigError(
                f"{name}:{number}: an alias line needs two members or more, separated by ' = '."
            )
        groups.append(members)
    return groups


def learn(text: str) -> Counter[tuple[str, str]]:
    """(acronym, phrase) pairs an article's text spells out."""
    plain = normalize(text)
    found: Counter[tuple[str, str]] = Counter()
    acronyms = set(_ACRONYM.findall(plain))  # the group: "CTU" of "CTUs"
    if not acronyms:
        return found
    words = _WORD.findall(plain)
    # where a phrase can start: a word (not all capitals) with an acronym's initial
    initials = {a[0] for a in acronyms} | {a[0].lower() for a in acronyms}
    starts: dict[str, list[int]] = {}
    for i in [i for i, word in enumerate(words) if word[0] in initials]:
        if not words[i].isupper():
            starts.setdefault(words[i][0].upper(), []).append(i)
    ends: list[int] | None = None  # each word's end offset, found only when needed
    for acronym in acronyms:
        for i in starts.get(acronym[0], ()):
            phrase = _spells(words, i, acronym)
            if phrase is None:
                continue
            if ends is None:
                ends = [m.end() for m in _WORD.finditer(plain)]
            end = ends[i + len(phrase) - 1]
            after = plain[end : end + len(acronym) + 6]
            capitalised = all(w[0].isupper() for w in phrase if w.lower() not in _SMALL)
            explicit = re.match(rf"\s*(?:\(|,?\s+or\s+){re.escape(acronym)}\b", after)
            if explicit or capitalised:
                found[(acronym, " ".join(phrase))] += 1
    return found


def _spells(words: list[str], i: int, acronym: str) -> list[str] | None:
    """The words from i whose initials (small words skipped) are `acronym`, if any."""
    letters = acronym.replace("&", "")
    out: list[str] = []
    j = k = 0
    while k < len(letters):
        if i + j >= len(words):
            return None
        word = words[i + j]
        if out and word.lower() in _SMALL:
            out.append(word)
            j += 1
            continue
        if word[0].upper() != letters[k] or word.isupper():
            return None
        out.append(word)
        j += 1
        k += 1
    return out


class Aliases:
    """Groups of term sequences; `expand(terms)` gives the other members' terms."""

    def __init__(self, groups: Iterable[Sequence[str]], analyzer: Analyzer) -> None:
        self.groups: list[list[tuple[str, ...]]] = []
        self._by_term: dict[str, list[int]] = {}  # term -> groups with a member holding it
        for group in groups:
            members = [tuple(analyzer.terms(m)) for m in group]
            members = [m for m in dict.fromkeys(members) if m]
            if len(members) > 1:
                for term in {t for m in members for t in m}:
                    self._by_term.setdefault(term, []).append(len(self.groups))
                self.groups.append(members)

    @classmethod
    def load(
        cls, analyzer: Analyzer, extra: Path | None = None, learned: Iterable[Sequence[str]] = ()
    ) -> Aliases:
        shipped = resources.files("index.data").joinpath("aliases.txt").read_text("utf-8")
        groups = parse(shipped, "index/data/aliases.txt")
        if extra is not None:
            try:
                groups += parse(Path(extra).read_text("utf-8"), str(extra))
            except (OSError, UnicodeDecodeError) as err:
                raise ConfigError(f"NEWSBOT_ALIASES: can't read {extra} ({err}).") from err
        return cls([*groups, *learned], analyzer)

    def expand(self, terms: Sequence[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(member found in `terms`, another member of its group) pairs."""
        have = set(terms)
        out = []
        found = sorted({g for t in have for g in self._by_term.get(t, ())})
        for group in (self.groups[g] for g in found):
            for member in group:
                if all(t in have for t in member):
                    out.extend((member, m) for m in group if m != member and not set(m) <= have)
        return out
