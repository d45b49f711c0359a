"""The `newsbot` commands, one function each: take the parsed arguments, call `index/`,
print what a user reads. `bot/cli.py` builds the parser that routes to them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import Settings, load_settings
from bot.console import EXIT_ERROR, notify, progress, safe, say, warn_problems
from index.errors import NewsbotError
from index.models import answer_dict, article_dict


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(corpus=args.corpus, index=args.index, engine=args.engine)


def _searcher(settings: Settings):
    from index.archive import open_searcher

    return open_searcher(settings.index, notify, progress=progress(), on_problems=warn_problems)


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
        say(f"newsbot: {answer.notice}")
        return EXIT_ERROR
    if args.json:
        print(json.dumps(answer_dict(answer), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer))
        if settings.bot_token is None:
            say(
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
    from index.storage import build, writer

    settings = _settings(args)
    with writer.locked(settings.index.index_dir):
        report = build.build(settings.index, progress())
    warn_problems(report.problems)
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
    open_index(settings.index, notify, progress(), warn_problems)
    if urls:
        _add_urls(settings, urls)
    return _add_files(settings, paths) if paths else 0


def _add_urls(settings: Settings, urls: list[str]) -> None:
    from index.live import add_urls

    report, problems = add_urls(settings.index, urls, settings.fetch_limits, progress())
    if report is None:
        warn_problems(problems)
        print("Nothing new to add: every item at the URL(s) given is already indexed.")
        return
    warn_problems(report.problems)
    print(_summary(report, settings).replace(" from 1 file(s)", f" from {len(urls)} URL(s)"))


def _add_files(settings: Settings, paths: list[str]) -> int:
    from index.storage.adding import add_files

    added = add_files(settings.index, paths, progress())
    if added.changed:
        say(
            f"{added.changed} of these files changed since they were indexed; "
            "`newsbot index build` re-reads them."
        )
    warn_problems(added.problems)
    if added.report is None:
        print("Nothing new to add: every file given is already indexed.")
        return 0
    print(_summary(added.report, settings))
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
        say(
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
    settings = _settings(args)
    searcher = _searcher(settings)
    counts = searcher.index.passages_per_article()
    articles = searcher.sources()
    if args.json:
        rows = [
            {**article_dict(a), "passages": n, "paragraphs": a.paragraphs}
            for a, n in zip(articles, counts, strict=True)
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for article, n in zip(articles, counts, strict=True):
        date = article.published or "date unknown"
        if article.updated:
            date += f", updated {article.updated}"
        print(f"{safe(article.id)}  ({date}, {n} passages)\n    {safe(article.title)}")
    print(f"\n{len(articles):,} articles, {sum(counts):,} passages.")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from index.evaluate import archive_searcher, evaluate, load_question_set, offtopic

    settings = _settings(args)
    qset = load_question_set(args.file)
    with tempfile.TemporaryDirectory(prefix="newsbot-eval-") as tmp:
        if qset.articles is not None:
            say(f"Indexing the articles of {args.file} into a temporary archive…")
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
            notify=notify,
        )
    except KeyboardInterrupt:
        say("newsbot stopped.")
    return 0
