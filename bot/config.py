"""Settings from the environment and a `.env` file, read once, validated, frozen.

Every variable is listed, with a comment, in `.env.example`. A missing or malformed
setting raises ConfigError with one sentence naming the variable. Secrets are kept in
`Secret`, whose repr never shows the value, so they can't leak into logs by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dotenv import load_dotenv

from index.errors import ConfigError
from index.ingest.corpus import default_corpus
from index.storage.settings import ENGINES, IndexSettings, default_index_dir

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Secret:
    """A token or signing secret: usable, never printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    index: IndexSettings
    state_path: Path  # SQLite: feedback votes and asked questions
    bot_token: Secret | None = None
    app_token: Secret | None = None
    signing_secret: Secret | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    log_level: str = "INFO"
    watch_seconds: float = 60.0  # how often `serve` checks the corpus for changes (0: never)
    slack_timeout: float = 10.0  # seconds to wait for one Web API call
    feeds: tuple[str, ...] = ()  # feeds (or sitemaps, pages) `serve` follows
    feed_seconds: float = 900.0  # how often `serve` fetches them (0: never)
    fetch_timeout: float = 10.0  # seconds to wait for a fetched URL
    fetch_max_mb: float = 20.0  # the largest response fetched
    admins: tuple[str, ...] = ()  # Slack user ids allowed `/newsbot stats`
    rate_limit: int = 20  # questions one person may ask per minute (0: no limit)

    @property
    def fetch_limits(self):
        from index.ingest.fetch import Limits

        return Limits(timeout=self.fetch_timeout, max_bytes=int(self.fetch_max_mb * 1_000_000))

    @property
    def secrets(self) -> list[str]:
        """Every secret value, for scrubbing logs."""
        return [
            s.reveal()
            for s in (self.bot_token, self.app_token, self.signing_secret)
            if s is not None
        ]


def load_settings(
    env: dict[str, str] | None = None,
    *,
    corpus: str | None = None,
    index: str | None = None,
    engine: str | None = None,
    dotenv: Path | None = Path(".env"),
) -> Settings:
    """Settings from `env` (default: os.environ after loading `.env`), options winning."""
    if env is None:
        if dotenv is not None and dotenv.is_file():
            load_dotenv(dotenv, override=False)
        env = dict(os.environ)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value is not None and value.strip() else None

    state = get("NEWSBOT_STATE")
    state_path = Path(state).expanduser() if state else _data_home() / "newsbot" / "state.sqlite3"
    return Settings(
        index=_index_settings(get, corpus, index, engine),
        state_path=state_path,
        **_slack_settings(get),
        **_fetch_settings(get),
    )


def _index_settings(get, corpus: str | None, index: str | None, engine: str | None):
    """Where the corpus and the index are, and how it is built and searched."""
    corpus_path = Path(corpus or get("NEWSBOT_CORPUS") or default_corpus()).expanduser()
    index_value = index or get("NEWSBOT_INDEX")
    index_dir = Path(index_value).expanduser() if index_value else default_index_dir(corpus_path)
    engine_name = (engine or get("NEWSBOT_ENGINE") or "auto").lower()
    if engine_name not in ENGINES:
        raise ConfigError(
            f"NEWSBOT_ENGINE must be one of {', '.join(ENGINES)}, not {engine_name!r}."
        )
    return IndexSettings(
        corpus=corpus_path,
        index_dir=index_dir,
        boilerplate=_file(get("NEWSBOT_BOILERPLATE"), "NEWSBOT_BOILERPLATE"),
        aliases=_file(get("NEWSBOT_ALIASES"), "NEWSBOT_ALIASES"),
        engine=engine_name,
        workers=_int(get("NEWSBOT_WORKERS") or "0", "NEWSBOT_WORKERS", 0, 64),
    )


def _slack_settings(get) -> dict:
    """The Slack credentials and how `serve` runs."""
    return {
        "bot_token": _token(get("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", "xoxb-"),
        "app_token": _token(get("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", "xapp-"),
        "signing_secret": Secret(s) if (s := get("SLACK_SIGNING_SECRET")) else None,
        "slack_api_url": _api_url(get("SLACK_API_URL")),
        "port": _int(get("PORT") or "3000", "PORT", 1, 65535),
        "log_level": _level(get("NEWSBOT_LOG_LEVEL") or "INFO"),
        "watch_seconds": _number(
            get("NEWSBOT_WATCH_SECONDS") or "60", "NEWSBOT_WATCH_SECONDS", 0, 86400
        ),
        "slack_timeout": _number(
            get("NEWSBOT_SLACK_TIMEOUT") or "10", "NEWSBOT_SLACK_TIMEOUT", 0.1, 300
        ),
        "admins": _user_ids(get("NEWSBOT_ADMINS")),
        "rate_limit": _int(get("NEWSBOT_RATE_LIMIT") or "20", "NEWSBOT_RATE_LIMIT", 0, 10_000),
    }


def _fetch_settings(get) -> dict:
    """What `index add URL` and the feeds `serve` follows may fetch."""
    return {
        "feeds": _urls(get("NEWSBOT_FEEDS"), "NEWSBOT_FEEDS"),
        "feed_seconds": _number(
            get("NEWSBOT_FEED_SECONDS") or "900", "NEWSBOT_FEED_SECONDS", 0, 86400 * 7
        ),
        "fetch_timeout": _number(
            get("NEWSBOT_FETCH_TIMEOUT") or "10", "NEWSBOT_FETCH_TIMEOUT", 0.1, 300
        ),
        "fetch_max_mb": _bounded(
            get("NEWSBOT_FETCH_MAX_MB") or "20",
            "NEWSBOT_FETCH_MAX_MB",
            0.001,
            1024,
            float,
            "a number of megabytes",
        ),
    }


def _urls(value: str | None, name: str) -> tuple[str, ...]:
    """Comma- or space-separated http(s) URLs."""
    urls = tuple(dict.fromkeys(u for u in (value or "").replace(",", " ").split() if u))
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"{name}: {url!r} is not an http(s) URL.")
    return urls


def _user_ids(value: str | None) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in (value or "").replace(" ", ",").split(",") if part)
    for user in ids:
        if not (user[:1] in ("U", "W") and user.isalnum() and user == user.upper()):
            raise ConfigError(
                f"NEWSBOT_ADMINS must list Slack user ids such as U012AB3CD, not {user!r}."
            )
    return ids


def _file(value: str | None, name: str) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(f"{name} names {value}, which is not a file.")
    return path


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _token(value: str | None, name: str, prefix: str) -> Secret | None:
    if value is None:
        return None
    if not value.startswith(prefix):
        raise ConfigError(
            f"{name} should start with {prefix!r}; check you copied the right "
            "token from your Slack app's settings."
        )
    return Secret(value)


def _api_url(value: str | None) -> str:
    if value is None:
        return DEFAULT_SLACK_API_URL
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_SLACK_API_URL}, not {value!r}."
        )
    return value if value.endswith("/") else value + "/"


def _int(value: str, name: str, low: int, high: int) -> int:
    return int(_bounded(value, name, low, high, int, "a whole number"))


def _number(value: str, name: str, low: float, high: float) -> float:
    return _bounded(value, name, low, high, float, "a number of seconds")


def _bounded(value: str, name: str, low: float, high: float, kind: type, what: str) -> float:
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {value!r}.") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {number:g}.")
    return number


def _level(value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(
            f"NEWSBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}."
        )
    return level
