"""The bot's local state in SQLite: the questions it answered and the votes on them.

Each question gets a short id that buttons carry ("More results", 👍/👎), so a button
never has to hold a long question. Votes are committed one by one (durable as soon
as the click is acknowledged), one per person, question and passage (a second click
changes the vote), so the newsroom can see which passages to fix:

    sqlite3 ~/.local/share/newsbot/state.sqlite3 \\
      "SELECT q.text, v.passage_id, v.vote FROM votes v JOIN questions q ON q.id = v.question_id"
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    user_id TEXT,
    channel_id TEXT,
    surface TEXT,             -- mention | dm | ask | factcheck
    asked_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions(id),
    passage_id TEXT NOT NULL, -- "<article id>#<paragraph>"
    rank INTEGER,
    vote INTEGER NOT NULL,    -- +1 or -1
    user_id TEXT,
    voted_at REAL NOT NULL
);
-- one vote per person, question and passage: a second click changes it
CREATE UNIQUE INDEX IF NOT EXISTS votes_once ON votes (question_id, passage_id, user_id);
-- a private answer as it was shown (bot/slack/frozen.py), for "Post to channel"
CREATE TABLE IF NOT EXISTS previews (
    question_id INTEGER NOT NULL REFERENCES questions(id),
    first_rank INTEGER NOT NULL,
    data TEXT NOT NULL,       -- JSON
    shown_at REAL NOT NULL,
    PRIMARY KEY (question_id, first_rank)
);
-- what the bot answered in which message, for thread follow-ups and edits
CREATE TABLE IF NOT EXISTS replies (
    channel_id TEXT NOT NULL,
    message_ts TEXT NOT NULL,  -- the question's message
    thread_ts TEXT,            -- the thread the answer went to, if any
    reply_ts TEXT NOT NULL,    -- the bot's answer
    topic TEXT NOT NULL,       -- the thread's question ('' for the help), for follow-ups
    answered_at REAL NOT NULL,
    PRIMARY KEY (channel_id, message_ts)
);
CREATE INDEX IF NOT EXISTS replies_thread ON replies (channel_id, thread_ts);
CREATE INDEX IF NOT EXISTS replies_reply ON replies (channel_id, reply_ts);
"""
PREVIEW_DAYS = 30  # previews older than this are forgotten (their share button says so)


@dataclass(frozen=True, slots=True)
class Asked:
    text: str
    surface: str


@dataclass(frozen=True, slots=True)
class Reply:
    reply_ts: str
    thread_ts: str | None
    topic: str


@dataclass(frozen=True, slots=True)
class Day:
    day: str  # YYYY-MM-DD (UTC)
    questions: int
    no_answers: int
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Rated:
    question: str
    passage_id: str
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Vote:
    question: str
    passage_id: str
    rank: int | None
    vote: int
    user_id: str | None


class State:
    """Thread-safe; one connection guarded by a lock (writes are tiny)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(questions)")}
            if "no_answer" not in columns:  # a database from before `/newsbot stats`
                self._db.execute("ALTER TABLE questions ADD COLUMN no_answer INTEGER")
        except (OSError, sqlite3.Error) as err:
            raise ConfigError(
                f"NEWSBOT_STATE: can't open the state database {self.path} ({err})."
            ) from err
        self._lock = threading.Lock()

    def remember(self, text: str, user_id: str | None, channel_id: str | None, surface: str) -> int:
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO questions (text, user_id, channel_id, surface, asked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (text, user_id, channel_id, surface, time.time()),
            )
            return int(cur.lastrowid)

    def question(self, question_id: int) -> Asked | None:
        with self._lock:
            row = self._db.execute(
                "SELECT text, surface FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
        return Asked(row[0], row[1] or "") if row else None

    def vote(
        self, question_id: int, passage_id: str, rank: int | None, vote: int, user_id: str | None
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO votes (question_id, passage_id, rank, vote, user_id, voted_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (question_id, passage_id, user_id) "
                "DO UPDATE SET vote = excluded.vote, rank = excluded.rank, "
                "voted_at = excluded.voted_at",
                (question_id, passage_id, rank, 1 if vote > 0 else -1, user_id, time.time()),
            )

    def votes(self) -> list[Vote]:
        with self._lock:
            rows = self._db.execute(
                "SELECT q.text, v.passage_id, v.rank, v.vote, v.user_id FROM votes v "
                "JOIN questions q ON q.id = v.question_id ORDER BY v.id"
            ).fetchall()
        return [Vote(*row) for row in rows]

    def outcome(self, question_id: int, no_answer: bool) -> None:
        """Whether the question found an answer (for `/newsbot stats`)."""
        with self._lock:
            self._db.execute(
                "UPDATE questions SET no_answer = ? WHERE id = ?", (int(no_answer), question_id)
            )

    def recent_questions(self, user_id: str, limit: int = 5) -> list[str]:
        """The person's latest distinct questions, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT text FROM questions WHERE user_id = ? GROUP BY text "
                "ORDER BY MAX(id) DESC LIMIT ?",
                (user_id, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def daily(self, days: int = 7) -> list[Day]:
        """Questions, no-answers and votes per UTC day, the last `days` days, newest first."""
        since = time.time() - days * 86400
        with self._lock:
            asked = self._db.execute(
                "SELECT date(asked_at, 'unixepoch'), COUNT(*), SUM(COALESCE(no_answer, 0)) "
                "FROM questions WHERE asked_at >= ? GROUP BY 1",
                (since,),
            ).fetchall()
            voted = self._db.execute(
                "SELECT date(voted_at, 'unixepoch'), SUM(vote > 0), SUM(vote < 0) "
                "FROM votes WHERE voted_at >= ? GROUP BY 1",
                (since,),
            ).fetchall()
        by_day: dict[str, list[int]] = {}
        for day, n, missed in asked:
            by_day.setdefault(day, [0, 0, 0, 0])[:2] = [n, missed or 0]
        for day, up, down in voted:
            by_day.setdefault(day, [0, 0, 0, 0])[2:] = [up or 0, down or 0]
        return [Day(day, *by_day[day]) for day in sorted(by_day, reverse=True)]

    def worst_rated(self, limit: int = 5) -> list[Rated]:
        """The passages voted down most (net), with the question they answered."""
        with self._lock:
            rows = self._db.execute(
                "SELECT q.text, v.passage_id, SUM(v.vote > 0), SUM(v.vote < 0) FROM votes v "
                "JOIN questions q ON q.id = v.question_id GROUP BY v.question_id, v.passage_id "
                "HAVING SUM(v.vote < 0) > 0 ORDER BY SUM(v.vote) ASC, MAX(v.voted_at) DESC "
                "LIMIT ?",
                (limit,),
            ).fetchall()
        return [Rated(*row) for row in rows]

    def keep_preview(self, question_id: int, first_rank: int, data: dict) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO previews (question_id, first_rank, data, shown_at) "
                "VALUES (?, ?, ?, ?)",
                (question_id, first_rank, json.dumps(data), now),
            )
            self._db.execute(
                "DELETE FROM previews WHERE shown_at < ?", (now - PREVIEW_DAYS * 86400,)
            )

    def preview(self, question_id: int, first_rank: int) -> dict | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM previews WHERE question_id = ? AND first_rank = ?",
                (question_id, first_rank),
            ).fetchone()
        return json.loads(row[0]) if row else None

    def keep_reply(
        self, channel: str, message_ts: str, thread_ts: str | None, reply_ts: str, topic: str
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO replies (channel_id, message_ts, thread_ts, reply_ts, "
                "topic, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (channel, message_ts, thread_ts, reply_ts, topic, time.time()),
            )

    def reply(self, channel: str, message_ts: str) -> Reply | None:
        """The bot's answer to the message `message_ts`, if it gave one."""
        with self._lock:
            row = self._db.execute(
                "SELECT reply_ts, thread_ts, topic FROM replies "
                "WHERE channel_id = ? AND message_ts = ?",
                (channel, message_ts),
            ).fetchone()
        return Reply(*row) if row else None

    def thread_topic(self, channel: str, thread_ts: str) -> str | None:
        """The question the bot last answered in this thread (or under its own answer)."""
        with self._lock:
            row = self._db.execute(
                "SELECT topic FROM replies WHERE channel_id = ? AND topic != '' AND "
                "(thread_ts = ? OR reply_ts = ? OR message_ts = ?) "
                "ORDER BY answered_at DESC LIMIT 1",
                (channel, thread_ts, thread_ts, thread_ts),
            ).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
