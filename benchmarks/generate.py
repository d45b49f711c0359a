"""A deterministic, news-like corpus for the scale benchmark.

    python benchmarks/generate.py OUT --paragraphs 1M        # OUT/articles-00000.jsonl ...
    python benchmarks/generate.py OUT --extra-articles 1000  # OUT/extra-00000.jsonl (new ids)
    python benchmarks/generate.py --questions FILE           # the 200 benchmark questions

Everything is a pure function of SEED: the same command writes the same bytes every
time, on any machine, whatever --workers is (OUT/manifest.json records a SHA-256 of the
files). Article `a` is generated from its own random stream, so a smaller corpus is a
prefix of a larger one (only its last article is cut short) and the questions, which
quote the first articles, fit every size.

What an article looks like:

- `{"id", "title", "url", "published", "source", "text"}`, one per `.jsonl` line,
  1,000 articles per file; `text` is paragraphs separated by blank lines;
- 5-20 content paragraphs (uniform), 40-120 words each (40 + Gamma(2, 15), capped;
  mean about 70 words); sentences of 8-28 words, some as quotes ("..." said Name);
- words: ~47% English function words (with their real relative frequencies),
  ~49% content words drawn from a Zipf-Mandelbrot law (s = 1, q = 10) over 150,000
  synthetic word-like lowercase tokens, ~3% capitalised names ("Dana Kovalik",
  "Mayor Kovalik", Zipf over 3,000 first and 12,000 last names), ~2% numbers, dates
  and grade ranges ("25,000", "2.5%", "75 percent", "$1.5 million", "Feb. 22",
  "March 1", "3/1", "2021", "K-5", "6-8th", "pre-K", "5th", "COVID-19");
- a third of the leads open with a dateline ("SPRINGFIELD (WNB) — "); 8% of articles
  carry a "READ MORE: ..." promo line and 5% a staff byline, which the boilerplate
  rules drop, so they are not counted as paragraphs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

SEED = 20_240_611
VERSION = 1  # bump when the output changes
PER_FILE = 1000  # articles per .jsonl file
EXTRA_BASE = 50_000_000  # article numbers of the extra batch: never in a corpus
N_CONTENT = 150_000
N_FIRST, N_LAST, N_PLACES = 3_000, 12_000, 400

P_FUNCTION = 0.47  # share of word slots that are function words
P_CONTENT = 0.96  # ... cumulative: content words
P_NAME = 0.985  # ... names; the rest are numbers, dates and grade ranges


def _w(text: str) -> list[str]:
    return text.split()


# English function words and news staples, with rough frequencies per million words.
FUNCTION_WORDS = _w("""
the 60000 of 30000 and 28000 to 26000 a 23000 in 20000 that 11000 is 10000 was 9000
for 8500 on 7000 it 7000 with 6500 as 6000 he 6000 said 5000 at 5000 by 5000 from 4500
his 4500 have 4000 be 4000 are 4000 has 4000 an 3500 they 3500 not 3000 this 3000
but 3000 had 3000 were 3000 will 2800 their 2500 or 2500 who 2500 which 2200 been 2200
would 2200 she 2200 her 2000 more 2000 about 1800 after 1700 than 1600 also 1600 we 1600
its 1500 year 1500 new 1500 can 1400 up 1400 out 1400 when 1300 all 1300 there 1200
other 1200 into 1100 could 1100 if 1100 so 1000 over 1000 no 900 what 900 some 900
last 900 people 900 state 800 first 800 time 800 city 700 them 700 before 700 because 650
while 650 most 600 only 600 week 600 during 550 through 550 under 500 between 500
says 500 told 500 officials 450 school 450 two 450 until 400 where 400 those 400 any 350
against 300 should 300 since 300 very 250 these 250 both 250 such 200
""")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
GRADES = ("K-5", "K-8", "6-8", "6-8th", "9-12", "K-12", "pre-K", "3-5", "K-2")
SOURCES = (
    ("Wire News Bureau", "WNB", "wirenews.example"),
    ("Metro Daily", "MD", "metrodaily.example"),
    ("The Ledger", "Ledger", "ledger.example"),
    ("City Desk", "CD", "citydesk.example"),
    ("Channel 5 News", "C5", "channel5.example"),
    ("Valley Courier", "VC", "valleycourier.example"),
    ("Harbor Times", "HT", "harbortimes.example"),
    ("Public Radio North", "PRN", "prnorth.example"),
)
TITLES = ("Mayor", "Gov.", "Sen.", "Rep.", "Dr.", "Chief", "Superintendent", "Judge")

_ONSETS = _w(
    "b c d f g h j k l m n p r s t v w y z bl br ch cl cr dr fl fr gl gr pl pr sc "
    "sh sk sl sm sn sp st str sw th tr tw wh qu"
) + ["", ""]
_VOWELS = _w("a e i o u a e i o ai ea ee ie oa oo ou ay ow")
_CODAS = _w("n r s t l m nd nt st ck ng rt ld sh ch x") + [""] * 8
_SUFFIXES = _w("s ed ing er ers ly tion ment ness al ity ive ism ist") + [""] * 14
# words the analyzer treats specially (months, number words) or drops (stopwords)
_RESERVED = set(
    _w("""jan feb mar apr jun jul aug sep sept oct nov dec may june july
january february march april august september october november december
one two three four five six seven eight nine ten eleven twelve first second third fourth
fifth sixth seventh eighth ninth tenth eleventh twelfth percent prek pre""")
)


# ------------------------------------------------------------------ the model


def _stopwords() -> set[str]:
    path = Path(__file__).resolve().parent.parent / "index" / "data" / "stopwords.txt"
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError:
        return set()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def _words(
    rng: random.Random, n: int, syllables: tuple[int, ...], suffixes: bool, taken: set[str]
) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        k = rng.choice(syllables)
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(k)
        )
        if suffixes:
            word += rng.choice(_SUFFIXES)
        if len(word) < 3 or word in taken or word in _RESERVED:
            continue
        taken.add(word)
        out.append(word)
    return out


def _zipf_cdf(n: int, s: float = 1.0, q: float = 10.0) -> np.ndarray:
    weights = 1.0 / (np.arange(1, n + 1, dtype=np.float64) + q) ** s
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


class Model:
    """The vocabularies and their frequency laws; built once, the same every time."""

    def __init__(self) -> None:
        rng = random.Random(SEED)
        taken = set(_stopwords()) | set(FUNCTION_WORDS[0::2])
        # frequent words are short ones (as in English): rank follows length, then draw order
        words = sorted(_words(rng, N_CONTENT, (1, 1, 2, 2, 2, 3), True, taken), key=len)
        self.content = np.array(words, dtype=object)
        self.content_cdf = _zipf_cdf(N_CONTENT)
        self.first = [w.capitalize() for w in _words(rng, N_FIRST, (2,), False, taken)]
        self.last = [w.capitalize() for w in _words(rng, N_LAST, (2, 2, 3), False, taken)]
        self.first_cdf, self.last_cdf = _zipf_cdf(N_FIRST), _zipf_cdf(N_LAST)
        self.places = [w.upper() for w in _words(rng, N_PLACES, (2, 3), False, taken)]
        words, freqs = FUNCTION_WORDS[0::2], np.array(FUNCTION_WORDS[1::2], dtype=np.float64)
        self.function = np.array(words, dtype=object)
        self.function_cdf = np.cumsum(freqs) / freqs.sum()


@lru_cache(maxsize=1)
def model() -> Model:
    return Model()


def _mix(*parts: int) -> int:
    """A 64-bit hash of some integers (splitmix64), for per-article streams and counts."""
    x = 0x9E3779B97F4A7C15
    for p in parts:
        x = (x ^ (p & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
    return x


def paragraph_count(a: int) -> int:
    """Content paragraphs of article `a` before any cut: 5-20, uniform."""
    return 5 + _mix(SEED, 1, a) % 16


# ------------------------------------------------------------------ text


def _name(rng: np.random.Generator, m: Model, full: bool) -> str:
    last = m.last[int(np.searchsorted(m.last_cdf, rng.random()))]
    if not full:
        return last
    if rng.random() < 0.15:
        return f"{TITLES[int(rng.integers(len(TITLES)))]} {last}"
    return f"{m.first[int(np.searchsorted(m.first_cdf, rng.random()))]} {last}"


def _figure(rng: np.random.Generator) -> str:
    """A number, date or grade range as a newspaper prints it."""
    kind = rng.random()
    if kind < 0.28:  # 25,000 | 1,500 | 312
        n = int(10 ** rng.uniform(1.0, 6.5))
        n = int(float(f"{n:.2g}")) if rng.random() < 0.7 else n
        return f"{n:,}"
    if kind < 0.36:  # 2.5% | 40%
        return (
            f"{rng.uniform(0.1, 99):.1f}%"
            if rng.random() < 0.5
            else f"{int(rng.integers(1, 100))}%"
        )
    if kind < 0.42:
        return f"{int(rng.integers(1, 100))} percent"
    if kind < 0.50:  # $40 | $1.5 million
        if rng.random() < 0.5:
            return f"${int(10 ** rng.uniform(1, 5)):,}"
        return f"${rng.uniform(1, 900):.1f} {('million', 'billion')[int(rng.random() < 0.2)]}"
    if kind < 0.66:  # Feb. 22 | March 1
        m = int(rng.integers(12))
        return f"{(MONTH_ABBR if rng.random() < 0.6 else MONTHS)[m]} {int(rng.integers(1, 29))}"
    if kind < 0.73:  # 3/1
        return f"{int(rng.integers(1, 13))}/{int(rng.integers(1, 29))}"
    if kind < 0.82:
        return str(int(rng.integers(1995, 2026)))
    if kind < 0.90:
        return GRADES[int(rng.integers(len(GRADES)))]
    if kind < 0.97:  # 12 | 5th
        n = int(rng.integers(1, 60))
        if rng.random() < 0.4:
            suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            return f"{n}{suffix}"
        return str(n)
    return ("COVID-19", "N95", "I-57", "H1N1")[int(rng.integers(4))]


def _paragraph(rng: np.random.Generator, m: Model) -> tuple[str, list[str]]:
    """One paragraph's text, and the content tokens in it (for questions)."""
    n = int(min(120, 40 + rng.gamma(2.0, 15.0)))
    u = rng.random(n)
    fw = np.searchsorted(m.function_cdf, rng.random(n))
    cw = np.searchsorted(m.content_cdf, rng.random(n))
    words = np.where(u < P_FUNCTION, m.function[fw], m.content[cw]).tolist()
    content: list[str] = [
        w for w, x in zip(words, u.tolist(), strict=True) if P_FUNCTION <= x < P_CONTENT
    ]
    for i in np.flatnonzero(u >= P_CONTENT).tolist():
        token = _name(rng, m, rng.random() < 0.6) if u[i] < P_NAME else _figure(rng)
        words[i] = token
        content.append(token)
    sentences = []
    start = 0
    while start < n:
        length = int(rng.integers(8, 29))
        if n - (start + length) < 6:
            length = n - start
        chunk = words[start : start + length]
        start += length
        for j in np.flatnonzero(rng.random(len(chunk) - 1) < 0.05).tolist():
            chunk[j] += ","
        first = chunk[0]
        chunk[0] = first[0].upper() + first[1:]
        if rng.random() < 0.12 and len(chunk) > 4:  # a quote
            sentences.append(f"\u201c{' '.join(chunk)},\u201d said {_name(rng, m, True)}.")
        else:
            sentences.append(" ".join(chunk) + ".")
    return " ".join(sentences), content


def article(a: int, paragraphs: int | None = None, prefix: str = "a") -> tuple[dict, list]:
    """Article number `a` (its JSON object) and each paragraph's content tokens."""
    m = model()
    rng = np.random.Generator(np.random.PCG64(_mix(SEED, 2, a)))
    n = paragraph_count(a) if paragraphs is None else paragraphs
    name, code, domain = SOURCES[int(rng.integers(len(SOURCES)))]
    published = date(2015, 1, 1) + timedelta(days=int(rng.integers(0, 3650)))
    dateline = rng.random() < 0.33
    place = m.places[int(rng.integers(len(m.places)))]
    promo_at = int(rng.integers(2, 5)) if rng.random() < 0.08 else -1
    staff = rng.random() < 0.05
    texts, contents = [], []
    for i in range(n):
        text, content = _paragraph(rng, m)
        if i == promo_at:
            texts.append(f"READ MORE: {_paragraph(rng, m)[0].split('.')[0]}")
        texts.append(text)
        contents.append(content)
    title = " ".join(contents[0][: 5 + int(rng.integers(0, 6))])
    title = title[:1].upper() + title[1:]
    if dateline:
        texts[0] = f"{place} ({code}) \u2014 {texts[0]}"
    if staff:
        texts.append(f"{name} Staff")
    ident = f"{prefix}{a:08d}"
    obj = {
        "id": ident,
        "title": title,
        "url": f"https://{domain}/{published:%Y/%m}/{ident}",
        "published": published.isoformat(),
        "source": name,
        "text": "\n\n".join(texts),
    }
    return obj, contents


# ------------------------------------------------------------------ files


def plan(paragraphs: int) -> list[tuple[int, int]]:
    """(article number, paragraphs) for a corpus of exactly `paragraphs` paragraphs."""
    out, total, a = [], 0, 0
    while total < paragraphs:
        n = min(paragraph_count(a), paragraphs - total)
        out.append((a, n))
        total += n
        a += 1
    return out


def _write_file(job: tuple[str, list[tuple[int, int]], str]) -> tuple[int, int]:
    path, articles, prefix = job
    words = 0
    lines = []
    for a, n in articles:
        obj, _ = article(a, n, prefix)
        words += len(obj["text"].split())
        lines.append(json.dumps(obj, ensure_ascii=False))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    Path(path).write_bytes(data)
    return len(data), words


def write_corpus(
    out: Path, articles: list[tuple[int, int]], stem: str, prefix: str, workers: int
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    for old in out.glob(f"{stem}-*.jsonl"):
        old.unlink()
    jobs = [
        (str(out / f"{stem}-{i // PER_FILE:05d}.jsonl"), articles[i : i + PER_FILE], prefix)
        for i in range(0, len(articles), PER_FILE)
    ]
    start = time.perf_counter()
    model()  # built before forking, so workers share it
    if workers > 1 and len(jobs) > 1:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ctx.Pool(workers) as pool:
            sizes = pool.map(_write_file, jobs, chunksize=1)
    else:
        sizes = [_write_file(job) for job in jobs]
    digest = hashlib.sha256()
    for path, _, _ in jobs:
        digest.update(Path(path).read_bytes())
    manifest = {
        "generator": VERSION,
        "seed": SEED,
        "articles": len(articles),
        "paragraphs": sum(n for _, n in articles),
        "files": len(jobs),
        "bytes": sum(s for s, _ in sizes),
        "words": sum(w for _, w in sizes),
        "sha256": digest.hexdigest(),
        "seconds": round(time.perf_counter() - start, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return manifest


# ------------------------------------------------------------------ questions


QUESTION_FORMS = (
    "What about {}?",
    "When will {}?",
    "How many {}?",
    "Why did {}?",
    "Who is {}?",
    "{}?",
    "What did {} do?",
    "Which {} were there?",
)


def make_questions(n: int = 200, salt: str = "q") -> list[dict]:
    """`n` questions: 3-8 content words each, mixed frequencies, some figures and names.

    Two in three quote 2-5 content tokens of one paragraph of articles 0-299 (in every
    corpus size) and add words drawn from a frequency band (frequent: Zipf rank < 300,
    mid: 300-10,000, rare: 10,000-150,000); the rest are drawn from the bands alone,
    a third of them with a figure or date. The same list every time."""
    m = model()
    questions = []
    for i in range(n):
        rng = random.Random(f"{SEED}-{salt}-{i}")
        k = rng.randint(3, 8)
        words: list[str] = []
        kind = "article" if rng.random() < 2 / 3 else "bands"
        if kind == "article":
            a = rng.randrange(300)
            _, contents = article(a)
            tokens = [t for t in rng.choice(contents) if t]
            words += rng.sample(tokens, min(len(tokens), rng.randint(2, min(5, k))))
        elif rng.random() < 1 / 3:
            nprng = np.random.Generator(np.random.PCG64(_mix(SEED, 3, i)))
            words.append(_figure(nprng))
        while len(words) < k:
            band = rng.random()
            lo, hi = (
                (0, 300) if band < 0.35 else (300, 10_000) if band < 0.75 else (10_000, N_CONTENT)
            )
            words.append(str(m.content[rng.randrange(lo, hi)]))
        rng.shuffle(words)
        text = rng.choice(QUESTION_FORMS).format(" ".join(words))
        questions.append({"id": i, "kind": kind, "question": text[0].upper() + text[1:]})
    return questions


# ------------------------------------------------------------------ command line


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("out", nargs="?", type=Path, help="output folder")
    p.add_argument("--paragraphs", type=parse_size, help="corpus size: 10k, 100k, 1M, ...")
    p.add_argument(
        "--extra-articles",
        type=int,
        help="write this many new articles (ids x..., never in a corpus) instead",
    )
    p.add_argument("--questions", type=Path, help="write the benchmark questions (JSON)")
    p.add_argument("-n", type=int, default=200, help="how many questions (default 200)")
    p.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    args = p.parse_args(argv)
    if args.questions:
        qs = make_questions(args.n)
        args.questions.write_text(json.dumps(qs, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"{len(qs)} questions -> {args.questions}")
    if args.out is None:
        if not args.questions:
            p.error("give an output folder (or --questions FILE)")
        return 0
    if args.extra_articles:
        articles = [
            (EXTRA_BASE + i, paragraph_count(EXTRA_BASE + i)) for i in range(args.extra_articles)
        ]
        manifest = write_corpus(args.out, articles, "extra", "x", args.workers)
    elif args.paragraphs:
        manifest = write_corpus(args.out, plan(args.paragraphs), "articles", "a", args.workers)
    else:
        p.error("give --paragraphs N or --extra-articles N")
    print(
        f"{manifest['articles']:,} articles, {manifest['paragraphs']:,} paragraphs, "
        f"{manifest['words']:,} words, {manifest['bytes'] / 1e6:,.1f} MB in "
        f"{manifest['files']} file(s), {manifest['seconds']:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
