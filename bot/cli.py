"""The `newsbot` command. A thin layer: parse, call `index/`, print; every NewsbotError
becomes one line on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.config import Settings, load_settings
from index.errors import NewsbotError
from index.models import answer_dict, article_dict

EXIT_ERROR = 1
EXAMPLE = 'newsbot ask "when do K-5 students return?"'


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("corpus and index")
    group.add_argument(
        "--corpus",
        metavar="PATH",
        help="folder (or file) of articles; env NEWSBOT_CORPUS; "
        "default: the seed articles shipped with newsbot",
    )
    group.add_argument(
        "--index",
        metavar="PATH",
        help="folder for the saved index; env NEWSBOT_INDEX; default: a cache folder per corpus",
    )
    group.add_argument(
        "--engine",
        choices=("auto", "okapi", "sparse"),
        help="scoring engine; env NEWSBOT_ENGINE; default: auto (rank-bm25 "
        "up to 20,000 passages, the sparse engine above)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions with passages quoted from your newsroom's own articles, "
        "each with its citation. newsbot never writes text of its own.",
        epilog=f"Example: {EXAMPLE}\nSettings can also come from a .env file; see .env.example.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = sub.add_parser(
        "ask",
        parents=[common],
        help="answer a question with cited passages",
        description="Quote the passages that best answer QUESTION, each with "
        "its article, date and paragraph.",
    )
    ask.add_argument(
        "question",
        metavar="QUESTION",
        help='the question, in quotes; "-" reads one question per line from stdin. Filters '
        "anywhere in it: after:2021-02-01, before:2021-03-01, source:CBS, section:Education, "
        "newest (newer articles first)",
    )
    ask.add_argument(
        "--top",
        type=_positive,
        default=3,
        metavar="K",
        help="how many passages to quote (default 3)",
    )
    ask.add_argument(
        "--json", action="store_true", help="print JSON (JSON Lines with -) instead of text"
    )
    ask.set_defaults(run=cmd_ask)

    fc = sub.add_parser(
        "factcheck",
        parents=[common],
        help="check a claim or a draft's figures and quotes against the archive",
        description="Say, for each figure in CLAIM, what the archive states for it "
        "(the same, a different figure, passages that disagree, or nothing "
        "comparable) and where; check what CLAIM says someone said against the "
        "passages attributed to them; then quote the passages that decide it. "
        "A draft of several sentences is checked sentence by sentence (those with "
        "a figure, a date or a quote). newsbot quotes, it writes nothing.",
    )
    fc.add_argument(
        "claim",
        metavar="CLAIM",
        help='the sentence or draft to check, in quotes; "-" reads it from stdin',
    )
    fc.add_argument(
        "--top",
        type=_positive,
        default=3,
        metavar="K",
        help="how many passages to check against (default 3)",
    )
    fc.add_argument("--json", action="store_true", help="print JSON instead of text")
    fc.set_defaults(run=cmd_factcheck)

    index = sub.add_parser(
        "index",
        help="build or inspect the saved index",
        description="The index is rebuilt by itself when the corpus changes;"
        " these commands do it explicitly.",
    )
    isub = index.add_subparsers(dest="action", metavar="ACTION", required=True)
    ibuild = isub.add_parser(
        "build", parents=[common], help="analyse the corpus and save the index from scratch"
    )
    ibuild.set_defaults(run=cmd_index_build)
    iinfo = isub.add_parser("info", parents=[common], help="where the index is and what it holds")
    iinfo.set_defaults(run=cmd_index_info)
    iverify = isub.add_parser(
        "verify", parents=[common], help="check every file of the index against its checksum"
    )
    iverify.set_defaults(run=cmd_index_verify)
    iadd = isub.add_parser(
        "add",
        parents=[common],
        help="index new article files, or a feed, sitemap or page by URL, without a rebuild",
        description="Index new article files or folders, or fetch an http(s) URL (an RSS or "
        "Atom feed, a WordPress export, a sitemap or a page) and index what is new in it. "
        "Fetches time out after NEWSBOT_FETCH_TIMEOUT seconds and stop at "
        "NEWSBOT_FETCH_MAX_MB; items already indexed (by URL) are not added again.",
    )
    iadd.add_argument(
        "paths", nargs="+", metavar="PATH|URL", help="article files or folders, or http(s) URLs"
    )
    iadd.set_defaults(run=cmd_index_add)

    sources = sub.add_parser("sources", parents=[common], help="list the indexed articles")
    sources.add_argument("--json", action="store_true", help="print JSON")
    sources.set_defaults(run=cmd_sources)

    ev = sub.add_parser(
        "eval",
        parents=[common],
        help="measure answer quality on a question set",
        description="Print hit@1, hit@3 and MRR@10 for a JSON Lines question set (see "
        "tests/data/dev_questions.jsonl), asked of the configured archive, or for a SQuAD "
        "JSON file (v1.1 or v2.0), asked of a temporary archive made from its own articles.",
    )
    ev.add_argument(
        "file", metavar="FILE", type=Path, help="questions: JSON Lines, or a SQuAD JSON file"
    )
    ev.add_argument(
        "--offtopic",
        metavar="ARCHIVE",
        type=Path,
        help="also ask every question of this archive (a corpus folder or a SQuAD file), "
        "which should refuse them, and report how many it refused",
    )
    ev.add_argument("--json", action="store_true", help="print the report as one JSON object")
    ev.set_defaults(run=cmd_eval)

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="run the Slack bot",
        description="Answer in Slack: Socket Mode when SLACK_APP_TOKEN is set (no public URL "
        "needed), or HTTP with --http (Events API, commands and interactivity on "
        '/slack/events, GET /healthz). See "Connect to Slack" in the README.',
    )
    serve.add_argument("--http", action="store_true", help="serve HTTP instead of Socket Mode")
    serve.add_argument(
        "--port", type=int, metavar="N", help="HTTP port (default: env PORT, else 3000)"
    )
    serve.add_argument("--host", default="0.0.0.0", help="HTTP address (default 0.0.0.0)")
    serve.add_argument(
        "--threads", type=_positive, default=8, metavar="N", help="HTTP worker threads (default 8)"
    )
    serve.set_defaults(run=cmd_serve)
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return number


# ------------------------------------------------------------------ helpers


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(corpus=args.corpus, index=args.index, engine=args.engine)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def safe(text: str) -> str:
    """`text` (a file name, an id, a message naming one) with every character a terminal
    would act on -- escapes, newlines, bells, bidi overrides -- shown as its escape
    sequence, so a corpus file can't rewrite or fake what the terminal shows."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _notify(message: str) -> None:
    _say(safe(message))


def _warn_problems(problems: Sequence) -> None:
    shown = list(problems)[:50]
    for problem in shown:
        _say(f"warning: {safe(str(problem))}")
    if len(problems) > len(shown):
        _say(f"warning: … and {len(problems) - len(shown)} more")


PROGRESS_BYTES = 2_000_000  # builds smaller than this finish before a bar would help
LOG_STEP = 10  # percent between progress lines when stderr is not a terminal


def _progress(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """Build progress on stderr: a bar redrawn in place on a terminal; otherwise (a log,
    a CI job, systemd) one line each LOG_STEP percent. Small builds show nothing."""
    stream = stream or sys.stderr
    tty = stream.isatty()
    logged = [-1]

    def show(done: int, total: int) -> None:
        if total < PROGRESS_BYTES:
            return
        pct = min(100, 100 * done // total)
        figures = f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
        if tty:
            bar = "#" * (pct // 4)
            end = "\n" if done >= total else ""
            print(f"\rIndexing [{bar:<25}] {pct:3d}%  {figures}", end=end, file=stream, flush=True)
        elif pct // LOG_STEP > logged[0]:
            logged[0] = pct // LOG_STEP
            print(f"Indexing: {pct}% ({figures})", file=stream, flush=True)

    return show


def _searcher(settings: Settings):
    from index.archive import open_searcher

    return open_searcher(settings.index, _notify, progress=_progress(), on_problems=_warn_problems)


# ------------------------------------------------------------------ commands


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.terminal import render_answer

    settings = _settings(args)
    searcher = _searcher(settings)
    if args.question == "-":
        for line in sys.stdin:
            question = line.rstrip("\n")
            answer = searcher.ask(question, top=args.top)
            if args.json:
                print(json.dumps(answer_dict(answer), ensure_ascii=False), flush=True)
            else:
                print(f"Q: {question.strip()}\n\n{render_answer(answer)}\n", flush=True)
        return 0
    answer = searcher.ask(args.question, top=args.top)
    if answer.notice and not args.json:
        _say(f"newsbot: {answer.notice}")
        return EXIT_ERROR
    if args.json:
        print(json.dumps(answer_dict(answer), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer))
        if settings.bot_token is None:
            _say(
                '\nTo ask in Slack: follow "Connect to Slack" in README.md (manifest.yml, '
                "SLACK_BOT_TOKEN and SLACK_APP_TOKEN in .env), then run `newsbot serve`."
            )
    return 0


def cmd_factcheck(args: argparse.Namespace) -> int:
    from bot.terminal import render_draft
    from index.factcheck.draft import check_draft
    from index.models import draft_dict, factcheck_dict

    text = sys.stdin.read() if args.claim == "-" else args.claim
    if not text.strip():
        raise NewsbotError("Nothing to check: give a claim or a draft (or - to read stdin).")
    searcher = _searcher(_settings(args))
    draft = check_draft(searcher, text, top=args.top)
    single = len(draft.claims) == 1 and not draft.unchecked
    if args.json:
        data = factcheck_dict(draft.claims[0]) if single else draft_dict(draft)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_draft(draft))
    return 0


def cmd_index_build(args: argparse.Namespace) -> int:
    from index.storage import build, store

    settings = _settings(args)
    with store.locked(settings.index.index_dir):
        report = build.build(settings.index, _progress())
    _warn_problems(report.problems)
    print(_summary(report, settings))
    return 0


def cmd_index_add(args: argparse.Namespace) -> int:
    from index.errors import CorpusError
    from index.storage.freshness import open_index

    settings = _settings(args)
    urls = [p for p in args.paths if p.lower().startswith(("http://", "https://"))]
    paths = [p for p in args.paths if p not in urls]
    for path in paths:
        if not Path(path).exists():
            raise CorpusError(f"{path} does not exist: nothing was added.")
    open_index(settings.index, _notify, _progress(), _warn_problems)
    if urls:
        _add_urls(settings, urls)
    return _add_files(settings, paths) if paths else 0


def _add_urls(settings: Settings, urls: list[str]) -> None:
    from index.live import add_urls

    report, problems = add_urls(settings.index, urls, settings.fetch_limits, _progress())
    if report is None:
        _warn_problems(problems)
        print("Nothing new to add: every item at the URL(s) given is already indexed.")
        return
    _warn_problems(report.problems)
    print(_summary(report, settings).replace(" from 1 file(s)", f" from {len(urls)} URL(s)"))


def _add_files(settings: Settings, paths: list[str]) -> int:
    from index.models import Problem
    from index.storage import build, store

    problems: list[Problem] = []
    files = build.sources(settings.index, map(Path, paths), problems)
    with store.locked(settings.index.index_dir):
        base = store.load(settings.index.index_dir)
        known = base.meta["files"]
        new = [f for f in files if f.rel not in known]
        changed = [f for f in files if f.rel in known and known[f.rel] != [f.size, f.mtime_ns]]
        if changed:
            _say(
                f"{len(changed)} of these files changed since they were indexed; "
                "`newsbot index build` re-reads them."
            )
        if not new:
            _warn_problems(problems)
            print("Nothing new to add: every file given is already indexed.")
            return 0
        report = build.add(settings.index, base, new, _progress())
        build.remember_added(
            settings.index.index_dir, [f.path.resolve() for f in new if Path(f.rel).is_absolute()]
        )
    report.problems[:0] = problems
    _warn_problems(report.problems)
    print(_summary(report, settings))
    return 0


def _summary(report, settings: Settings) -> str:
    verb = "Indexed" if report.mode == "build" else "Added"
    skipped = []
    if report.skipped_files:
        skipped.append(f"{report.skipped_files} file(s) skipped")
    if report.skipped_lines:
        skipped.append(f"{report.skipped_lines} line(s) skipped")
    tail = f"; {', '.join(skipped)} (see warnings above)" if skipped else "; nothing skipped"
    return (
        f"{verb} {report.articles:,} articles ({report.passages:,} passages) from "
        f"{report.files:,} file(s) in {report.seconds:.1f} s{tail}.\n"
        f"Index: {settings.index.index_dir} "
        f"({report.total_articles:,} articles, {report.total_passages:,} passages in all)"
    )


def cmd_index_info(args: argparse.Namespace) -> int:
    settings = _settings(args)
    searcher = _searcher(settings)
    meta = searcher.index.meta
    counts = meta["counts"]
    print(
        f"index:     {settings.index.index_dir}\n"
        f"corpus:    {safe(meta['corpus'])}\n"
        f"built:     {meta['built']}\n"
        f"articles:  {counts['articles']:,}\n"
        f"passages:  {counts['passages']:,}\n"
        f"terms:     {counts['terms']:,}\n"
        f"engine:    {searcher.engine.name}"
    )
    return 0


def cmd_index_verify(args: argparse.Namespace) -> int:
    from index.storage import store

    settings = _settings(args)
    index = store.load(settings.index.index_dir, verify="size")
    bad = store.verify_all(index)
    if bad:
        _say(
            f"newsbot: the index is damaged ({', '.join(bad)}); "
            "run `newsbot index build` to rebuild it."
        )
        return EXIT_ERROR
    print(
        f"The index at {settings.index.index_dir} is sound "
        f"({len(index.meta['files_written'])} files checked)."
    )
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    import numpy as np

    settings = _settings(args)
    searcher = _searcher(settings)
    index = searcher.index
    counts = np.bincount(np.asarray(index.passage_article), minlength=index.n_articles)
    articles = searcher.sources()
    if args.json:
        rows = [
            {**article_dict(a), "passages": int(n), "paragraphs": a.paragraphs}
            for a, n in zip(articles, counts, strict=True)
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for article, n in zip(articles, counts, strict=True):
        date = article.published or "date unknown"
        if article.updated:
            date += f", updated {article.updated}"
        print(f"{safe(article.id)}  ({date}, {int(n)} passages)\n    {safe(article.title)}")
    print(f"\n{len(articles):,} articles, {int(counts.sum()):,} passages.")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from index.evaluate import archive_searcher, evaluate, load_question_set, offtopic

    settings = _settings(args)
    qset = load_question_set(args.file)
    with tempfile.TemporaryDirectory(prefix="newsbot-eval-") as tmp:
        if qset.articles is not None:
            _say(f"Indexing the articles of {args.file} into a temporary archive…")
            searcher = archive_searcher(qset, Path(tmp) / "own")
        else:
            searcher = _searcher(settings)
        report = evaluate(searcher, qset.questions)
        if args.offtopic is not None:
            other = archive_searcher(args.offtopic, Path(tmp) / "offtopic")
            report.offtopic = offtopic(other, qset.questions, str(args.offtopic))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(report.summary(len(qset.questions)))
    for failure in report.failures:
        first = (failure.first or "(nothing)").replace("\n", " ")
        print(
            f"\n✗ {failure.id}: {failure.question}\n  {failure.problem}; first: "
            f"{first[:160]}{'…' if len(first) > 160 else ''}"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.slack.server import serve

    settings = _settings(args)
    try:
        serve(
            settings,
            http=args.http,
            host=args.host,
            port=args.port or settings.port,
            threads=args.threads,
            notify=_notify,
        )
    except KeyboardInterrupt:
        _say("newsbot stopped.")
    return 0


# ------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except NewsbotError as err:
        _warn_problems(getattr(err, "problems", []))
        _say(f"newsbot: {safe(str(err))}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say("newsbot: interrupted.")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as err:  # a bug: one line for the user, the traceback on request
        from index.storage.files import access_error

        named = access_error(err, Path(getattr(err, "filename", None) or "."))
        if named is not None:  # the file system refused (permission, disk full): not a bug
            _say(f"newsbot: {safe(str(named))}")
            return EXIT_ERROR
        if os.environ.get("NEWSBOT_DEBUG"):
            raise
        _say(
            f"newsbot: unexpected error ({type(err).__name__}: {safe(str(err))}). "
            "Run again with NEWSBOT_DEBUG=1 to see the traceback, and please report it."
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
