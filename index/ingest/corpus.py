"""Finding article files in a corpus folder and reading them into `ArticleText`s.

Formats: `.txt`/`.md` (optional front matter), `.jsonl` (one article per line),
`.html` (main text and metadata). A file or line that can't be read is reported
as a `Problem` and skipped; everything else is still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from index.errors import CorpusError
from index.ingest.walk import _why, scan
from index.models import ArticleText, Problem

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")
# read by index/ingest/formats (by content: WXR, RSS/Atom, NITF, HTML)
ARTICLE_SUFFIXES += (".xml", ".rss", ".atom", ".nitf", ".xhtml")
FRONT_MATTER_KEYS = {
    "id": "id",
    "title": "title",
    "url": "url",
    "published": "published",
    "date": "published",
    "source": "source",
    "byline": "byline",
    "author": "byline",
    "updated": "updated",
    "modified": "updated",
    "section": "section",
    "tags": "tags",
}
# (the value is stripped in Python: `(.*?)\s*$` would rescan trailing spaces at every step)
_FRONT_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:(.*)")


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rel: str  # path relative to the corpus root, with "/" separators
    size: int
    mtime_ns: int
    # a slice of a large .jsonl file, read by one worker: (start byte, end byte, first line)
    part: tuple[int, int, int] | None = None
    linked: bool = False  # reached through a symbolic link (inside the corpus)


def split_jsonl(source: SourceFile, target: int) -> list[SourceFile]:
    """A large UTF-8 .jsonl file as slices of about `target` bytes, cut at line ends, so
    several processes can analyse it; anything else (or a small file) as it is."""
    if source.size <= target or not source.rel.lower().endswith(".jsonl"):
        return [source]
    try:
        data = source.path.read_bytes()
    except OSError:
        return [source]  # read_file will say why
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:8192]:
        return [source]
    parts, start, line = [], 0, 1
    while start < len(data):
        cut = data.find(b"\n", min(start + target, len(data)) - 1)
        end = len(data) if cut < 0 else cut + 1
        parts.append(replace(source, part=(start, end, line)))
        line += data.count(b"\n", start, end)
        start = end
    return parts


def default_corpus() -> Path:
    """The three seed articles shipped with newsbot: `seeds/` beside `index/` in a checkout
    (or an editable install), else the copy a wheel installs as `index.seeds`."""
    checkout = Path(__file__).resolve().parents[2] / "seeds"
    if checkout.is_dir():
        return checkout
    from importlib import resources

    return Path(str(resources.files("index.seeds")))


def find_files(
    root: Path, problems: list[Problem], outside_links: bool = False
) -> list[SourceFile]:
    """Every article file under `root` (or `root` itself), sorted; loops and dead links
    reported. The corpus is what lies under `root`: a link that resolves outside it is
    skipped with a warning naming it (unless `outside_links`). The tree is walked with a
    stack, not recursion, so any depth is walked (within the system's path limit)."""
    root = Path(root)
    if not root.exists():
        raise CorpusError(f"The corpus path {root} does not exist.")
    if root.is_file():
        stat = root.stat()
        return [SourceFile(root, root.name, stat.st_size, stat.st_mtime_ns)]
    return [
        SourceFile(Path(path), rel, size, mtime_ns, linked=linked)
        for path, rel, size, mtime_ns, linked in scan(
            root, problems, ARTICLE_SUFFIXES, outside_links
        )
    ]


# ------------------------------------------------------------------ decoding


# Control bytes that text files don't hold (tab, newlines, form feed and ESC aside).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")
_CONTROL_TABLE = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))


def is_binary(sample: bytes) -> bool:
    """Whether the first 8 KB of a file (not UTF-16) look binary: more than 1 byte in 20
    is a control character (NUL included), or more than 2 bytes and 1 in 1,000 are NULs.
    A stray NUL or two in a text file (a copy-paste accident) doesn't make it binary;
    images, PDFs, archives and executables are full of both."""
    nuls = sample.count(0)
    controls = sample.translate(_CONTROL_TABLE).count(0)
    return controls * 20 > len(sample) or (nuls > 2 and nuls * 1000 > len(sample))


def decode(data: bytes, lines: bool = False) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1252/Latin-1. Raises ValueError for binary data (see `is_binary`). With
    `lines` (a .jsonl file), each line is decoded on its own, so one stray byte spoils
    one line, not the file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:8192]
    if sample.count(0):
        if sample[1::2].count(0) > len(sample) // 4:
            return data.decode("utf-16-le", errors="replace")
        if sample[0::2].count(0) > len(sample) // 4:
            return data.decode("utf-16-be", errors="replace")
    if is_binary(sample):
        raise ValueError("binary file, not text; skipped")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if not lines:
            return data.decode("cp1252", errors="replace")
        return "\n".join(_decode_line(line) for line in data.split(b"\n"))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


# ------------------------------------------------------------------ readers

Emit = Callable[[Problem], None]


def read_file(source: SourceFile, emit: Emit) -> Iterator[ArticleText]:
    """The articles in one file (or one slice of it). Problems go to `emit`; nothing
    raises for bad content."""
    try:
        if source.part is None:
            data = source.path.read_bytes()
        else:
            with open(source.path, "rb") as f:
                f.seek(source.part[0])
                data = f.read(source.part[1] - source.part[0])
    except OSError as err:
        emit(Problem(source.rel, _why(err)))
        return
    if not data.strip():
        if source.part is None:
            emit(Problem(source.rel, "empty file; skipped"))
        return
    suffix = source.path.suffix.lower()
    if suffix not in (".txt", ".md", ".markdown", ".jsonl"):
        from index.ingest import formats

        if (kind := formats.sniff(data, suffix)) is not None:
            yield from formats.read(kind, data, source.rel, emit)
            return
    try:
        text = decode(data, lines=suffix == ".jsonl")
    except ValueError as err:
        emit(Problem(source.rel, str(err)))
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(text, source, emit, source.part[2] if source.part else 1)
    elif suffix in (".html", ".htm"):
        yield from _read_html(text, source, emit)
    else:
        yield from _read_text(text, source, emit, markdown=suffix in (".md", ".markdown"))


def _read_text(text: str, source: SourceFile, emit: Emit, markdown: bool) -> Iterator[ArticleText]:
    meta, body = split_front_matter(text)
    fields = {"id": source.rel.rsplit(".", 1)[0], **_checked_meta(meta, source.rel, None, emit)}
    if markdown:
        heading, body = clean_markdown(body)
        fields.setdefault("title", heading)
    if not body.strip():
        emit(Problem(source.rel, "no article text after the front matter; skipped"))
        return
    yield ArticleText(text=body, path=source.rel, **fields)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """`key: value` lines closed by a `---` line. Opened by a `---` line too (YAML style),
    anything up to the closing line is front matter (lists and other keys are ignored);
    without it, only known keys and blank lines may come before the `---`."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines):
        return {}, text
    opened = lines[start].strip() == "---"
    first = start + 1 if opened else start
    if not opened and not (
        (m := _FRONT_LINE.match(lines[first])) and m.group(1).lower() in FRONT_MATTER_KEYS
    ):
        return {}, text
    meta: dict[str, str] = {}
    for i in range(first, min(len(lines), first + 200)):
        line = lines[i]
        if line.strip() == "---":
            return meta, "\n".join(lines[i + 1 :])
        m = _FRONT_LINE.match(line)
        if m is not None and not line[:1].isspace():
            meta[m.group(1).lower()] = _unquote(m.group(2).strip())
        elif line.strip() and not opened:
            return {}, text  # not front matter after all
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _checked_meta(meta: dict, rel: str, line: int | None, emit: Emit) -> dict[str, str]:
    """The metadata fields newsbot knows, as clean strings; bad values reported and left out."""
    fields: dict[str, str] = {}
    for key, value in meta.items():
        name = FRONT_MATTER_KEYS.get(key)
        if name is None or value is None or value == "":
            continue
        if name == "tags":
            from index.ingest.formats.fields import tag_list

            fields[name] = tag_list(value)
            continue
        if not isinstance(value, str | int | float):
            emit(Problem(rel, f"field {key!r} is not text; ignored", line, skipped=False))
            continue
        value = str(value).strip()
        if name in ("published", "updated"):
            iso = iso_date(value)
            if iso is None:
                emit(
                    Problem(
                        rel,
                        f"{name} {value!r} is not an ISO date (YYYY-MM-DD); left empty",
                        line,
                        skipped=False,
                    )
                )
                continue
            value = iso
        if value:
            fields[name] = value
    return fields


def iso_date(value: str) -> str | None:
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _read_jsonl(
    text: str, source: SourceFile, emit: Emit, first_line: int = 1
) -> Iterator[ArticleText]:
    stem = source.rel.rsplit(".", 1)[0]
    for number, line in enumerate(text.split("\n"), first_line):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as err:
            emit(
                Problem(
                    source.rel,
                    f"not valid JSON ({err.args[0].split(':')[0]}); line skipped",
                    number,
                )
            )
            continue
        if not isinstance(obj, dict):
            emit(Problem(source.rel, "not a JSON object; line skipped", number))
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            emit(Problem(source.rel, 'no "text" field with article text; line skipped', number))
            continue
        fields = {
            "id": f"{stem}:{number}",
            **_checked_meta(
                {k: v for k, v in obj.items() if k != "text"}, source.rel, number, emit
            ),
        }
        yield ArticleText(text=body, path=source.rel, line=number, **fields)


# ------------------------------------------------------------------ markdown

# Every pattern here is linear on any line: what a bracket, a parenthesis or an emphasis
# mark may enclose excludes the mark that opens it, so a scan from one opener ends at the
# next opener and no character is scanned from more than one of them.
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")  # each "**" ends the span a "**" opened
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)((?:(?!\1).)+?)(?<=\S)\1(?![\w*])")
_MD_HEADING = re.compile(r"#{1,6}\s+(.*)")  # trailing "#"s and spaces stripped in Python
_MD_PREFIX = re.compile(r"^\s{0,3}(?:>\s?|[-*+]\s+|\d+[.)]\s+)")


def clean_markdown(text: str) -> tuple[str | None, str]:
    """(first heading, text with headings dropped and inline markup reduced to its words)."""
    title = None
    out = []
    for line in text.splitlines():
        m = _MD_HEADING.match(line)
        if m:
            title = title or m.group(1).rstrip().rstrip("#").rstrip()
            out.append("")
            continue
        line = _MD_PREFIX.sub("", line)
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_STRONG.sub(r"\2", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        out.append(line)
    return title, "\n".join(out)


# ------------------------------------------------------------------ html


def _read_html(text: str, source: SourceFile, emit: Emit) -> Iterator[ArticleText]:
    from index.ingest.html import extract

    try:
        page = extract(text)
    except Exception as err:  # a parser bug on hostile markup must not stop the build
        emit(Problem(source.rel, f"could not parse HTML ({type(err).__name__}); skipped"))
        return
    if not page.text.strip():
        emit(Problem(source.rel, "no article text found in the HTML; skipped"))
        return
    fields = {
        "id": source.rel.rsplit(".", 1)[0],
        **_checked_meta(page.meta, source.rel, None, emit),
    }
    yield ArticleText(text=page.text, path=source.rel, **fields)
