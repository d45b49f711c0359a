"""The `newsbot` command. A thin layer: parse, call `index/`, print; every NewsbotError
becomes one line on stderr and a non-zero exit code. The parser is built here, one small
function per command; the commands themselves are in `bot/commands.py`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import commands
from bot.console import EXIT_ERROR, safe, say, warn_problems
from index.errors import NewsbotError

EXAMPLE = 'newsbot ask "when do K-5 students return?"'

Subparsers = argparse._SubParsersAction  # what `add_subparsers` returns


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
    _add_ask(sub, common)
    _add_factcheck(sub, common)
    _add_index(sub, common)
    _add_sources(sub, common)
    _add_eval(sub, common)
    _add_serve(sub, common)
    return parser


def _add_ask(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot ask QUESTION`."""
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
    ask.set_defaults(run=commands.cmd_ask)


def _add_factcheck(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot factcheck CLAIM`."""
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
    fc.set_defaults(run=commands.cmd_factcheck)


def _add_index(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot index build|add|info|verify`."""
    index = sub.add_parser(
        "index",
        help="build or inspect the saved index",
        description="The index is rebuilt by itself when the corpus changes;"
        " these commands do it explicitly.",
    )
    isub = index.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_index_build(isub, common)
    _add_index_info(isub, common)
    _add_index_verify(isub, common)
    _add_index_add(isub, common)


def _add_index_build(isub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot index build`."""
    ibuild = isub.add_parser(
        "build", parents=[common], help="analyse the corpus and save the index from scratch"
    )
    ibuild.set_defaults(run=commands.cmd_index_build)


def _add_index_add(isub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot index add PATH|URL...`."""
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
    iadd.set_defaults(run=commands.cmd_index_add)


def _add_index_info(isub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot index info`."""
    iinfo = isub.add_parser("info", parents=[common], help="where the index is and what it holds")
    iinfo.set_defaults(run=commands.cmd_index_info)


def _add_index_verify(isub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot index verify`."""
    iverify = isub.add_parser(
        "verify", parents=[common], help="check every file of the index against its checksum"
    )
    iverify.set_defaults(run=commands.cmd_index_verify)


def _add_sources(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot sources`."""
    sources = sub.add_parser("sources", parents=[common], help="list the indexed articles")
    sources.add_argument("--json", action="store_true", help="print JSON")
    sources.set_defaults(run=commands.cmd_sources)


def _add_eval(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot eval FILE`."""
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
    ev.set_defaults(run=commands.cmd_eval)


def _add_serve(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`newsbot serve`."""
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
    serve.set_defaults(run=commands.cmd_serve)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except NewsbotError as err:
        warn_problems(getattr(err, "problems", []))
        say(f"newsbot: {safe(str(err))}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        say("newsbot: interrupted.")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as err:  # a bug: one line for the user, the traceback on request
        from index.storage.files import access_error

        named = access_error(err, Path(getattr(err, "filename", None) or "."))
        if named is not None:  # the file system refused (permission, disk full): not a bug
            say(f"newsbot: {safe(str(named))}")
            return EXIT_ERROR
        if os.environ.get("NEWSBOT_DEBUG"):
            raise
        say(
            f"newsbot: unexpected error ({type(err).__name__}: {safe(str(err))}). "
            "Run again with NEWSBOT_DEBUG=1 to see the traceback, and please report it."
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
